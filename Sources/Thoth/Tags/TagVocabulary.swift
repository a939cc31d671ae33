import Foundation
import GRDB

/// The tags a user keeps (`tags.sqlite3` in the data folder): the vocabulary suggestions are
/// drawn from, and the spellings consolidation retired, each pointing at the tag kept (listed by
/// `manage_tag_vocabulary`).
public final class TagVocabulary: Sendable {
    public static let fileName = "tags.sqlite3"
    private let queue: DatabaseQueue

    public init(directory: String) throws {
        queue = try DatabaseFile.open(Self.fileName, in: directory) { migrator in
            migrator.registerMigration("v1 vocabulary and aliases") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE vocabulary (tag TEXT PRIMARY KEY, added_at REAL NOT NULL);
                        CREATE TABLE aliases (variant TEXT PRIMARY KEY, tag TEXT NOT NULL);
                        """)
            }
        }
    }

    public func close() throws { try queue.close() }

    public func tags() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT tag FROM vocabulary ORDER BY tag") }
    }

    public func add(_ tags: [String]) throws {
        try queue.write { db in
            for tag in tags {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO vocabulary (tag, added_at) VALUES (?, ?)",
                    arguments: [tag, Date().timeIntervalSince1970])
                try db.execute(sql: "DELETE FROM aliases WHERE variant = ?", arguments: [tag])
            }
        }
    }

    /// `variants` retired in favour of `tag`: out of the vocabulary, remembered as aliases.
    public func retire(_ variants: [String], for tag: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO vocabulary (tag, added_at) VALUES (?, ?)",
                arguments: [tag, Date().timeIntervalSince1970])
            for variant in variants where variant != tag {
                try db.execute(sql: "DELETE FROM vocabulary WHERE tag = ?", arguments: [variant])
                try db.execute(
                    sql: "INSERT OR REPLACE INTO aliases (variant, tag) VALUES (?, ?)", arguments: [variant, tag])
                try db.execute(sql: "UPDATE aliases SET tag = ? WHERE tag = ?", arguments: [tag, variant])
            }
        }
    }

    public func remove(_ tag: String) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM vocabulary WHERE tag = ?", arguments: [tag])
            try db.execute(sql: "DELETE FROM aliases WHERE tag = ? OR variant = ?", arguments: [tag, tag])
        }
    }

    public func aliases() throws -> [String: String] {
        try queue.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT variant, tag FROM aliases").map { ($0["variant"], $0["tag"]) },
                uniquingKeysWith: { first, _ in first })
        }
    }
}
