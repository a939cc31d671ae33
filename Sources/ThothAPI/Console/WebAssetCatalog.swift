import CompressNIO
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import WebAssets

/// The web console's and the API docs page's files, compiled into the binary (`WebAssets`):
/// served with their type, an ETag and a content security policy, gzipped for browsers that
/// accept it. Each file is compressed once, on its first request, not at start.
final class WebAssetCatalog: Sendable {
    struct Asset: Sendable {
        let contentType: String
        let body: ByteBuffer
    }

    private struct Encoded: Sendable {
        let gzip: ByteBuffer
        let etag: String
    }

    /// By URL path, e.g. `/console/app.js`.
    let assets: [String: Asset]
    private let encoded = Mutex<[String: Encoded]>([:])

    static let shared = WebAssetCatalog()

    private init() {
        var count = 0
        let table = web_asset_table(&count)!
        var assets: [String: Asset] = [:]
        for row in UnsafeBufferPointer(start: table, count: count) {
            let path = String(cString: row.path)
            let bytes = UnsafeRawBufferPointer(start: row.bytes, count: row.length)
            assets[path] = Asset(contentType: Self.contentType(of: path), body: ByteBuffer(bytes: bytes))
        }
        self.assets = assets
    }

    /// The file at `path` as a response to `request` (304 when the browser's copy is current),
    /// or nil when there is no such file.
    func response(_ path: String, to request: Request) -> Response? {
        guard let asset = assets[path] else { return nil }
        let encoded = encoding(path, asset)
        var headers: HTTPFields = [
            .contentType: asset.contentType, .eTag: encoded.etag, .cacheControl: "no-cache",
            .vary: "Accept-Encoding", .xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer",
            .contentSecurityPolicy: path.hasPrefix("/docs") ? Self.docsPolicy : Self.consolePolicy,
        ]
        if request.headers[.ifNoneMatch] == encoded.etag {
            return Response(status: .notModified, headers: headers)
        }
        guard Self.acceptsGzip(request.headers[.acceptEncoding]) else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
        }
        headers[.contentEncoding] = "gzip"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: encoded.gzip))
    }

    private func encoding(_ path: String, _ asset: Asset) -> Encoded {
        if let done = encoded.withLock({ $0[path] }) { return done }
        var plain = asset.body
        // zlib cannot fail on a buffer it sized itself; should it, the plain bytes still serve.
        let gzip = (try? plain.compress(with: .gzip(configuration: .init(compressionLevel: 9)))) ?? asset.body
        let result = Encoded(gzip: gzip, etag: "\"\(Self.fingerprint(asset.body))\"")
        encoded.withLock { $0[path] = result }
        return result
    }

    /// FNV-1a over the bytes: the ETag changes exactly when the file does.
    private static func fingerprint(_ buffer: ByteBuffer) -> String {
        buffer.withUnsafeReadableBytes { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return String(hash, radix: 16)
        }
    }

    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.first?.lowercased() == "gzip" else { return false }
            return !fields.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }

    static func contentType(of path: String) -> String {
        if path.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if path.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if path.hasSuffix(".svg") { return "image/svg+xml" }
        if path.hasSuffix("LICENSE") { return "text/plain; charset=utf-8" }
        return "text/html; charset=utf-8"
    }

    /// Scripts and styles from this origin only; requests and WebSockets to this origin only;
    /// PDFs the console fetched open as blobs; no page may frame it.
    static let consolePolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; frame-src blob:; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    /// Swagger UI sets inline styles and draws icons as data URLs.
    static let docsPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
