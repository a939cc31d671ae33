import Discovery
import Foundation
import GRDB
import JSON

/// Every article discovery has found, once each (keyed by `DiscoveredArticle.identity`: DOI,
/// arXiv id, PMID or normalised title), and the record of every run. SQLite
/// (`discovery.sqlite3` in the data folder).
public final class ArticleStore: Sendable {
    public static let fileName = "discovery.sqlite3"
    private let queue: DatabaseQueue

    public init(directory: String) throws {
        queue = try DatabaseFile.open(Self.fileName, in: directory) { migrator in
            migrator.registerMigration("v1 articles and runs") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE articles (
                            identity TEXT PRIMARY KEY, title TEXT NOT NULL, authors TEXT NOT NULL, abstract TEXT,
                            doi TEXT, arxiv_id TEXT, pmid TEXT, venue TEXT, published TEXT, url TEXT, pdf_url TEXT,
                            source TEXT NOT NULL, found_at REAL NOT NULL, relevant_to TEXT NOT NULL DEFAULT '[]',
                            pdf_path TEXT);
                        CREATE TABLE runs (
                            id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, started_at REAL NOT NULL,
                            record TEXT NOT NULL);
                        """)
            }
        }
    }

    public func close() throws { try queue.close() }

    /// Stores the articles not seen before (by any source); returns those, in order.
    public func insertNew(_ articles: [DiscoveredArticle]) throws -> [DiscoveredArticle] {
        try queue.write { db in
            var new: [DiscoveredArticle] = []
            var seen = Set<String>()
            for article in articles where seen.insert(article.identity).inserted {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO articles
                            (identity, title, authors, abstract, doi, arxiv_id, pmid, venue, published, url, pdf_url,
                             source, found_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        article.identity, article.title,
                        JSONWriter.string(.array(article.authors.map { .string($0) })), article.abstract, article.doi,
                        article.arxivID, article.pmid, article.venue, article.published, article.url, article.pdfURL,
                        article.source, Date().timeIntervalSince1970,
                    ])
                if db.changesCount == 1 { new.append(article) }
            }
            return new
        }
    }

    /// Notes which research queries found the article relevant and where its PDF went.
    public func mark(_ identity: String, relevantTo queries: [String], pdfPath: String?) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE articles SET relevant_to = ?, pdf_path = coalesce(?, pdf_path) WHERE identity = ?",
                arguments: [JSONWriter.string(.array(queries.map { .string($0) })), pdfPath, identity])
        }
    }

    public func count() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM articles") ?? 0 }
    }

    /// Articles, newest found first, as JSON.
    public func articles(limit: Int, relevantOnly: Bool) throws -> [JSONValue] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM articles \(relevantOnly ? "WHERE relevant_to != '[]'" : "") "
                    + "ORDER BY found_at DESC, rowid DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                var object: JSONObject = [:]
                for column in [
                    "title", "abstract", "doi", "arxiv_id", "pmid", "venue", "published", "url", "pdf_url",
                    "source", "pdf_path",
                ] {
                    object[column] = (row[column] as String?).map { .string($0) } ?? .null
                }
                object["authors"] = (try? JSONReader.parse(row["authors"] as String)) ?? []
                object["relevant_to"] = (try? JSONReader.parse(row["relevant_to"] as String)) ?? []
                return .object(object)
            }
        }
    }

    public func recordRun(source: String, started: Date, record: JSONObject) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO runs (source, started_at, record) VALUES (?, ?, ?)",
                arguments: [source, started.timeIntervalSince1970, JSONWriter.string(.object(record))])
        }
    }

    /// When the source's last run started; nil when it never ran.
    public func lastRunStart(source: String) throws -> Date? {
        try queue.read { db in
            try Double.fetchOne(db, sql: "SELECT max(started_at) FROM runs WHERE source = ?", arguments: [source])
        }.map(Date.init(timeIntervalSince1970:))
    }

    /// The last runs of a source (or of all), newest first.
    public func runs(source: String?, limit: Int) throws -> [JSONValue] {
        try queue.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT record FROM runs \(source == nil ? "" : "WHERE source = ?") ORDER BY id DESC LIMIT ?",
                arguments: source.map { [$0, limit] } ?? [limit]
            ).compactMap { try? JSONReader.parse($0) }
        }
    }
}
