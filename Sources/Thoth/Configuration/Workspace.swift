import Foundation

/// The folders Thoth keeps its files in. Each resolves under the workspace unless configured
/// with an absolute path; `create()` makes any that are missing.
public struct Workspace: Sendable, Equatable {
    public var root: String
    public var pdfs: String
    public var notes: String
    public var markdown: String
    public var queries: String
    public var discovery: String
    public var knowledge: String
    public var logs: String
    public var cache: String
    /// Note templates (`paper_note.md`), editable by the user.
    public var templates: String
    /// CSL style files the user adds (`my-journal.csl`), found before Debian's.
    public var styles: String
    /// The store of record (`vectors.sqlite3`) and the chat history.
    public var data: String

    /// Every folder, named as in the configuration reports.
    public var folders: [(name: String, path: String)] {
        [
            ("workspace", root), ("pdfs", pdfs), ("notes", notes), ("markdown", markdown), ("queries", queries),
            ("discovery", discovery), ("knowledge", knowledge), ("logs", logs), ("cache", cache),
            ("templates", templates), ("styles", styles), ("data", data),
        ]
    }

    public func create() throws {
        for (_, path) in folders {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }

    public static func == (lhs: Workspace, rhs: Workspace) -> Bool {
        lhs.folders.map(\.path) == rhs.folders.map(\.path)
    }
}
