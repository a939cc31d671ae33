import Documents
import Foundation
import JSON
import JSONHTTP

/// Fetches a PDF from a URL into the PDF folder (`/download-pdf`, `download_pdf`, discovery).
/// Only http(s); the answer must be a PDF — not declared as a web page or text, and starting
/// with `%PDF-` — within the size limit, or nothing is written; it is written whole under a
/// temporary name and then renamed, so the watcher never sees half a file. The file is named
/// after `name` or the URL's last path part, never overwriting another.
public struct PDFDownloader: Sendable {
    public let folder: String
    public let maxBytes: Int
    let client: JSONHTTPClient

    public init(folder: String, maxBytes: Int, timeout: TimeInterval = 30) {
        self.folder = folder
        self.maxBytes = maxBytes
        client = JSONHTTPClient(
            headers: ["User-Agent": "Thoth/\(ThothVersion.current) (research assistant)"], timeout: timeout,
            maxRetries: 2)
    }

    public func download(_ text: String, name: String? = nil) async throws -> (path: String, metadata: JSONObject) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ThothError(.invalidRequest, "'\(text.prefix(200))' is not an http(s) URL")
        }
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await client.send("GET", url)
        } catch {
            throw ThothError(.unavailable, "Downloading \(url.absoluteString) failed: \(error)")
        }
        guard reply.isSuccess else {
            throw ThothError(.unavailable, "Downloading \(url.absoluteString) failed: HTTP \(reply.status)")
        }
        guard reply.body.count <= maxBytes else {
            throw ThothError(.invalidRequest, "\(url.absoluteString) is over the \(maxBytes >> 20) MB limit")
        }
        let declared = reply.contentType?.lowercased() ?? ""
        guard reply.body.prefix(1024).range(of: Data("%PDF-".utf8)) != nil,
            !["text/", "application/json", "application/xhtml"].contains(where: declared.hasPrefix)
        else {
            throw ThothError(
                .invalidRequest,
                "\(url.absoluteString) did not answer with a PDF" + (declared.isEmpty ? "" : " (it sent \(declared))"))
        }
        var stem = FileName.cleaned(((name ?? url.lastPathComponent) as NSString).deletingPathExtension)
        if stem.isEmpty || stem == "/" { stem = FileName.cleaned(url.host ?? "download") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = FileName.free(stem, extension: ".pdf", in: folder) { !FileManager.default.fileExists(atPath: $0) }
        // A hidden temporary name in the same folder: the watcher skips dot files, and the rename is atomic.
        let partial = (folder as NSString).appendingPathComponent(".\(UUID().uuidString).part")
        do {
            try reply.body.write(to: URL(fileURLWithPath: partial))
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        return (path, ["url": .string(url.absoluteString), "size": .int(Int64(reply.body.count))])
    }
}
