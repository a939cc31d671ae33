import Foundation
import GRDB

/// Which PDFs have been processed, keyed by the SHA-256 of their bytes, not their name: the
/// same paper dropped twice, or renamed, is processed once. Failures are kept with their error
/// and retried only when asked. SQLite (`processed_documents.sqlite3` in the data folder).
public final class ProcessedLedger: Sendable {
    public static let fileName = "processed_documents.sqlite3"

    public struct Entry: Sendable, Equatable {
        public enum Status: String, Sendable { case processed, failed }
        public var hash: String
        public var status: Status
        /// Where the PDF was found, and where it lives now (renamed after the title).
        public var sourcePath: String
        public var pdfPath: String?
        public var notePath: String?
        public var markdownPath: String?
        public var title: String?
        public var analysis: String?
        public var error: String?
        public var pages: Int
        public var updatedAt: Date
    }

    private let queue: DatabaseQueue

    public init(directory: String) throws {
        queue = try DatabaseFile.open(Self.fileName, in: directory) { migrator in
            migrator.registerMigration("v1 documents") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE documents (
                            hash TEXT PRIMARY KEY, status TEXT NOT NULL, source_path TEXT NOT NULL, pdf_path TEXT,
                            note_path TEXT, markdown_path TEXT, title TEXT, analysis TEXT, error TEXT,
                            pages INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL);
                        CREATE INDEX documents_note ON documents(note_path);
                        CREATE INDEX documents_pdf ON documents(pdf_path);
                        """)
            }
        }
    }

    public func close() throws { try queue.close() }

    public func entry(hash: String) throws -> Entry? {
        try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE hash = ?", arguments: [hash]) }
            .map(Self.entry)
    }

    /// The entry whose note, PDF or markdown is at `path`.
    public func entry(path: String) throws -> Entry? {
        try queue.read { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT * FROM documents WHERE note_path = ?1 OR pdf_path = ?1 OR markdown_path = ?1 OR source_path = ?1",
                arguments: [path])
        }.map(Self.entry)
    }

    public func entries() throws -> [Entry] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM documents ORDER BY updated_at") }.map(
            Self.entry)
    }

    /// Whether some entry other than `hash`'s owns a file at `path` (a name is never taken twice).
    public func owner(of path: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(
                db, sql: "SELECT hash FROM documents WHERE note_path = ?1 OR pdf_path = ?1 OR markdown_path = ?1",
                arguments: [path])
        }
    }

    public func record(_ entry: Entry) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO documents
                        (hash, status, source_path, pdf_path, note_path, markdown_path, title, analysis, error, pages, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.hash, entry.status.rawValue, entry.sourcePath, entry.pdfPath, entry.notePath,
                    entry.markdownPath, entry.title, entry.analysis, entry.error, entry.pages,
                    entry.updatedAt.timeIntervalSince1970,
                ])
        }
    }

    public func remove(hash: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM documents WHERE hash = ?", arguments: [hash]) }
    }

    private static func entry(_ row: Row) -> Entry {
        Entry(
            hash: row["hash"], status: Entry.Status(rawValue: row["status"]) ?? .failed, sourcePath: row["source_path"],
            pdfPath: row["pdf_path"], notePath: row["note_path"], markdownPath: row["markdown_path"],
            title: row["title"],
            analysis: row["analysis"], error: row["error"], pages: row["pages"],
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
