import Citations
import Foundation
import GRDB
import JSON

/// Who cites whom, in SQLite (`citations.sqlite3` in the data folder): papers — those with a
/// note in the knowledge base and those only cited — and citation edges from a paper's
/// reference list. A paper is one row however it is named: a cited DOI or normalised title
/// finds the row a processed paper made, and the other way round.
public final class CitationGraph: Sendable {
    public static let fileName = "citations.sqlite3"
    private let queue: DatabaseQueue

    public init(directory: String) throws {
        queue = try DatabaseFile.open(Self.fileName, in: directory) { migrator in
            migrator.registerMigration("v1 papers and citations") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE papers (
                            id INTEGER PRIMARY KEY, doi TEXT UNIQUE, title_key TEXT, title TEXT, year INTEGER,
                            note TEXT UNIQUE);
                        CREATE INDEX papers_title ON papers(title_key);
                        CREATE TABLE citations (
                            citing INTEGER NOT NULL REFERENCES papers(id), position INTEGER NOT NULL,
                            cited INTEGER NOT NULL REFERENCES papers(id), raw TEXT NOT NULL,
                            PRIMARY KEY (citing, position));
                        CREATE INDEX citations_cited ON citations(cited);
                        """)
            }
            migrator.registerMigration("v2 lookup cache") { db in
                try db.execute(
                    sql: "CREATE TABLE lookups (key TEXT PRIMARY KEY, value TEXT NOT NULL, fetched_at REAL NOT NULL)")
            }
        }
    }

    public func close() throws { try queue.close() }

    /// A paper as the graph identifies it.
    public struct Paper: Sendable {
        public var doi: String?
        public var title: String
        public var year: Int?
        public init(doi: String?, title: String, year: Int?) {
            self.doi = doi?.lowercased()
            self.title = title
            self.year = year
        }
        var titleKey: String? {
            let key = String(title.lowercased().unicodeScalars.filter(CharacterSet.alphanumerics.contains))
            return key.count >= 12 ? key : nil
        }
    }

    /// These references, each with the note of the cited paper when that paper has one — read
    /// only, for writing a note before its paper is recorded.
    public func linkedEntries(_ references: [Reference]) throws -> [ReferencesSection.Entry] {
        try queue.read { db in
            try references.map { reference in
                let cited = Paper(doi: reference.doi, title: reference.title ?? "", year: reference.year)
                let note = try Self.find(cited, db).flatMap {
                    try String.fetchOne(db, sql: "SELECT note FROM papers WHERE id = ?", arguments: [$0])
                }
                return ReferencesSection.Entry(raw: reference.raw, note: note)
            }
        }
    }

    /// Records `paper` as having the note `note` and citing `references` (replacing what it cited
    /// before); returns the notes of the other papers that cite it, whose links to it are new.
    @discardableResult
    public func record(_ paper: Paper, note: String, references: [Reference]) throws -> [String] {
        try queue.write { db in
            // A note moves with its paper: any other row holding it lets go.
            try db.execute(sql: "UPDATE papers SET note = NULL WHERE note = ?", arguments: [note])
            let id = try Self.upsert(paper, db)
            try db.execute(sql: "UPDATE papers SET note = ? WHERE id = ?", arguments: [note, id])
            try db.execute(sql: "DELETE FROM citations WHERE citing = ?", arguments: [id])
            for (position, reference) in references.enumerated() {
                let cited = try Self.upsert(
                    Paper(doi: reference.doi, title: reference.title ?? reference.raw, year: reference.year), db)
                guard cited != id else { continue }
                try db.execute(
                    sql: "INSERT INTO citations (citing, position, cited, raw) VALUES (?, ?, ?, ?)",
                    arguments: [id, position, cited, reference.raw])
            }
            return try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT p.note FROM citations c JOIN papers p ON p.id = c.citing
                    WHERE c.cited = ? AND p.note IS NOT NULL AND p.note != ?
                    """,
                arguments: [id, note])
        }
    }

    /// The reference list recorded for the paper with the note `note`, linked where it can be.
    public func entries(ofNote note: String) throws -> [ReferencesSection.Entry] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.raw, cited.note FROM papers p JOIN citations c ON c.citing = p.id
                    JOIN papers cited ON cited.id = c.cited WHERE p.note = ? ORDER BY c.position
                    """,
                arguments: [note]
            ).map { ReferencesSection.Entry(raw: $0["raw"], note: $0["note"]) }
        }
    }

    /// How another paper in the knowledge base is tied to the one whose note is given.
    public struct Tie: Sendable, Equatable {
        public var note: String
        public var cites = false
        public var citedBy = false
        /// Papers citing both (co-citation).
        public var coCited = 0
        /// References both cite (bibliographic coupling).
        public var sharedReferences = 0

        public var strength: Int { (cites ? 2 : 0) + (citedBy ? 2 : 0) + coCited + sharedReferences }

        public var description: String {
            var parts: [String] = []
            if cites { parts.append("cited by this paper") }
            if citedBy { parts.append("cites this paper") }
            if coCited > 0 { parts.append("cited together with it by \(coCited) paper\(coCited == 1 ? "" : "s")") }
            if sharedReferences > 0 {
                parts.append("shares \(sharedReferences) reference\(sharedReferences == 1 ? "" : "s")")
            }
            return parts.joined(separator: "; ")
        }
    }

    /// The papers with notes tied to the note's paper by citations: direct citations either way,
    /// co-citation and bibliographic coupling; strongest first.
    public func ties(ofNote note: String) throws -> [Tie] {
        try queue.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM papers WHERE note = ?", arguments: [note]) else {
                return []
            }
            var ties: [String: Tie] = [:]
            func update(_ sql: String, _ change: (inout Tie, Int) -> Void) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: [id, id]) {
                    let other: String = row["note"]
                    change(&ties[other, default: Tie(note: other)], row["n"])
                }
            }
            try update(
                """
                SELECT p.note, 1 AS n FROM citations c JOIN papers p ON p.id = c.cited
                WHERE c.citing = ? AND p.note IS NOT NULL AND p.id != ?
                """
            ) { tie, _ in tie.cites = true }
            try update(
                """
                SELECT p.note, 1 AS n FROM citations c JOIN papers p ON p.id = c.citing
                WHERE c.cited = ? AND p.note IS NOT NULL AND p.id != ?
                """
            ) { tie, _ in tie.citedBy = true }
            try update(
                """
                SELECT p.note, COUNT(DISTINCT a.citing) AS n FROM citations a
                JOIN citations b ON b.citing = a.citing AND b.cited != a.cited JOIN papers p ON p.id = b.cited
                WHERE a.cited = ? AND p.note IS NOT NULL AND p.id != ? GROUP BY p.note
                """
            ) { tie, n in tie.coCited = n }
            try update(
                """
                SELECT p.note, COUNT(DISTINCT a.cited) AS n FROM citations a
                JOIN citations b ON b.cited = a.cited AND b.citing != a.citing JOIN papers p ON p.id = b.citing
                WHERE a.citing = ? AND p.note IS NOT NULL AND p.id != ? GROUP BY p.note
                """
            ) { tie, n in tie.sharedReferences = n }
            return ties.values.sorted { ($0.strength, $1.note) > ($1.strength, $0.note) }
        }
    }

    /// The notes of the papers that cite the paper whose note is `note`.
    public func citers(ofNote note: String) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT citing.note FROM papers p JOIN citations c ON c.cited = p.id
                    JOIN papers citing ON citing.id = c.citing WHERE p.note = ? AND citing.note IS NOT NULL
                    ORDER BY citing.note
                    """,
                arguments: [note])
        }
    }

    /// The note is gone (its article deleted): the paper stays as a cited one. Returns the
    /// notes that cite it, whose links to it are now gone.
    @discardableResult
    public func removeNote(_ note: String) throws -> [String] {
        try queue.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM papers WHERE note = ?", arguments: [note]) else {
                return []
            }
            try db.execute(sql: "DELETE FROM citations WHERE citing = ?", arguments: [id])
            try db.execute(sql: "UPDATE papers SET note = NULL WHERE id = ?", arguments: [id])
            return try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT p.note FROM citations c JOIN papers p ON p.id = c.citing
                    WHERE c.cited = ? AND p.note IS NOT NULL
                    """,
                arguments: [id])
        }
    }

    /// The note was renamed (outside Thoth): its paper keeps its references under the new name.
    /// Returns the notes that cite it, whose links must follow.
    @discardableResult
    public func renameNote(_ note: String, to newName: String) throws -> [String] {
        try queue.write { db in
            try db.execute(sql: "UPDATE papers SET note = ? WHERE note = ?", arguments: [newName, note])
            return try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT citing.note FROM papers p JOIN citations c ON c.cited = p.id
                    JOIN papers citing ON citing.id = c.citing WHERE p.note = ? AND citing.note IS NOT NULL
                    """,
                arguments: [newName])
        }
    }

    /// A remembered answer of a bibliographic service (`value` is JSON; `null` remembers a miss).
    public func cachedLookup(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM lookups WHERE key = ?", arguments: [key])
        }
    }

    public func cacheLookup(_ key: String, value: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO lookups (key, value, fetched_at) VALUES (?, ?, ?)",
                arguments: [key, value, Date().timeIntervalSince1970])
        }
    }

    /// The graph's size: `papers`, `citations`, `papers_with_notes`.
    public func counts() throws -> JSONObject {
        try queue.read { db in
            let count = { (sql: String) in JSONValue.int(Int64(try Int.fetchOne(db, sql: sql) ?? 0)) }
            return [
                "papers": try count("SELECT COUNT(*) FROM papers"),
                "citations": try count("SELECT COUNT(*) FROM citations"),
                "papers_with_notes": try count("SELECT COUNT(*) FROM papers WHERE note IS NOT NULL"),
            ]
        }
    }

    /// A note's place in the graph: its `references` (linked where they can be) and the notes
    /// it is `cited_by`, each when asked.
    public func report(ofNote note: String, references: Bool = true, citers: Bool = true) throws -> JSONObject {
        var report: JSONObject = ["note": .string(note)]
        if references { report["references"] = .array(try entries(ofNote: note).map { .object($0.json) }) }
        if citers { report["cited_by"] = .array(try self.citers(ofNote: note).map { .string($0) }) }
        return report
    }

    private static func find(_ paper: Paper, _ db: Database) throws -> Int64? {
        if let doi = paper.doi,
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM papers WHERE doi = ?", arguments: [doi])
        {
            return id
        }
        guard let key = paper.titleKey else { return nil }
        return try Int64.fetchOne(db, sql: "SELECT id FROM papers WHERE title_key = ? LIMIT 1", arguments: [key])
    }

    private static func upsert(_ paper: Paper, _ db: Database) throws -> Int64 {
        if let id = try find(paper, db) {
            try db.execute(
                sql: """
                    UPDATE papers SET doi = coalesce(doi, ?), title_key = coalesce(title_key, ?),
                        year = coalesce(year, ?) WHERE id = ?
                    """,
                arguments: [paper.doi, paper.titleKey, paper.year, id])
            return id
        }
        try db.execute(
            sql: "INSERT INTO papers (doi, title_key, title, year) VALUES (?, ?, ?, ?)",
            arguments: [paper.doi, paper.titleKey, paper.title, paper.year])
        return db.lastInsertedRowID
    }
}
