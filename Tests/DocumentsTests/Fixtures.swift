import Foundation

/// Paths of the PDFs in `Tests/Fixtures/pdfs` (see its README for where each came from).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/pdfs").standardizedFileURL.path

    static func pdf(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// A scratch file holding `data`, removed by the caller.
    static func scratch(_ data: Data, name: String = "file.pdf") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("thoth-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
