import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file a person adds to the library (the console's drop zone): markdown into the notes
/// folder, a PDF into the PDF folder. It never replaces a file (a taken name gets " (2)", " (3)"…),
/// never lands outside those folders, and appears whole or not at all.
public enum LibraryUpload {
    public enum Kind: String, Sendable {
        case note, pdf
    }

    /// Writes `data` as `filename`; returns where it went and what it is.
    public static func save(_ data: Data, named filename: String, workspace: Workspace, maxPDFBytes: Int) throws
        -> (path: String, kind: Kind)
    {
        let name = filename.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.utf8.count <= 200, !name.hasPrefix("."),
            !name.contains(where: { $0 == "/" || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } == true })
        else {
            throw ThothError(.invalidRequest, "'\(filename)' is not a plain file name")
        }
        guard !data.isEmpty else { throw ThothError(.invalidRequest, "\(name) is empty") }
        let kind: Kind
        let folder: String
        switch (name as NSString).pathExtension.lowercased() {
        case "md", "markdown":
            guard String(data: data, encoding: .utf8) != nil else {
                throw ThothError(.invalidRequest, "\(name) is not UTF-8 text")
            }
            (kind, folder) = (.note, workspace.notes)
        case "pdf":
            guard data.starts(with: Array("%PDF-".utf8)) else {
                throw ThothError(.invalidRequest, "\(name) does not start like a PDF (%PDF-)")
            }
            guard data.count <= maxPDFBytes else {
                throw ThothError(.invalidRequest, "\(name) is larger than \(maxPDFBytes >> 20) MiB")
            }
            (kind, folder) = (.pdf, workspace.pdfs)
        default:
            throw ThothError(.invalidRequest, "Add markdown (.md) or PDF (.pdf) files; \(name) is neither")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Written under a hidden name (the PDF watcher and the indexer skip those), then linked
        // to its final name, which fails instead of replacing when the name is taken.
        let temporary = (folder as NSString).appendingPathComponent(".upload-\(UUID().uuidString)")
        try data.write(to: URL(fileURLWithPath: temporary))
        defer { unlink(temporary) }
        let stem = (name as NSString).deletingPathExtension
        let suffix = (name as NSString).pathExtension
        for attempt in 1...1000 {
            let candidate = attempt == 1 ? name : "\(stem) (\(attempt)).\(suffix)"
            let path = (folder as NSString).appendingPathComponent(candidate)
            if link(temporary, path) == 0 { return (path, kind) }
            guard errno == EEXIST else {
                throw ThothError(.unavailable, "\(path) cannot be written: \(String(cString: strerror(errno)))")
            }
        }
        throw ThothError(.invalidRequest, "A thousand files are named like \(name) already")
    }
}
