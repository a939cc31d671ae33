import Discovery
import Foundation
import GRDB
import JSON

/// Every article discovery has found, once each, and the record of every run. SQLite
/// (`discovery.sqlite3` in the data folder). One paper found by two sources is one row: a new
/// record is a duplicate when it shares the DOI, the arXiv id (any version), the PMID or the
/// normalised title with a stored one, and then only fills in what the stored row lacks.
public final class ArticleStore: Sendable {
    public static let fileName = "discovery.sqlite3"
    private let queue: DatabaseQueue
    /// Shorter normalised titles ("Editorial", "Reply") name too many papers to identify one.
    static let shortestTitleKey = 16

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
            migrator.registerMigration("v2 duplicate keys, PMC ids and relevance") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE articles ADD COLUMN arxiv_key TEXT;
                        ALTER TABLE articles ADD COLUMN title_key TEXT;
                        ALTER TABLE articles ADD COLUMN pmcid TEXT;
                        ALTER TABLE articles ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
                        ALTER TABLE articles ADD COLUMN score REAL;
                        ALTER TABLE articles ADD COLUMN reasons TEXT NOT NULL DEFAULT '{}';
                        """)
                for row in try Row.fetchAll(db, sql: "SELECT rowid, title, arxiv_id FROM articles") {
                    try db.execute(
                        sql: "UPDATE articles SET title_key = ?, arxiv_key = ? WHERE rowid = ?",
                        arguments: [
                            Self.titleKey(row["title"]), (row["arxiv_id"] as String?).map(DiscoveredArticle.arxivKey),
                            row["rowid"] as Int64,
                        ])
                }
                try db.execute(
                    sql: """
                        CREATE INDEX articles_doi ON articles(doi);
                        CREATE INDEX articles_arxiv ON articles(arxiv_key);
                        CREATE INDEX articles_pmid ON articles(pmid);
                        CREATE INDEX articles_title ON articles(title_key);
                        CREATE INDEX runs_source ON runs(source, started_at);
                        """)
            }
        }
    }

    public func close() throws { try queue.close() }

    static func titleKey(_ title: String) -> String? {
        let key = DiscoveredArticle.titleKey(title)
        return key.count >= shortestTitleKey ? key : nil
    }

    /// Stores the articles not seen before (by any source); returns those, in order.
    public func insertNew(_ articles: [DiscoveredArticle]) throws -> [DiscoveredArticle] {
        try queue.write { db in
            var new: [DiscoveredArticle] = []
            for article in articles {
                let titleKey = Self.titleKey(article.title)
                if let stored = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT rowid FROM articles WHERE identity = ? OR doi = ? OR arxiv_key = ? OR pmid = ?
                            OR title_key = ? LIMIT 1
                        """,
                    arguments: [article.identity, article.doi, article.arxivKey, article.pmid, titleKey])
                {
                    try db.execute(
                        sql: """
                            UPDATE articles SET doi = coalesce(doi, ?), arxiv_id = coalesce(arxiv_id, ?),
                                arxiv_key = coalesce(arxiv_key, ?), pmid = coalesce(pmid, ?),
                                pmcid = coalesce(pmcid, ?), abstract = coalesce(abstract, ?),
                                pdf_url = coalesce(pdf_url, ?) WHERE rowid = ?
                            """,
                        arguments: [
                            article.doi, article.arxivID, article.arxivKey, article.pmid, article.pmcid,
                            article.abstract, article.pdfURL, stored,
                        ])
                    continue
                }
                try db.execute(
                    sql: """
                        INSERT INTO articles
                            (identity, title, authors, abstract, doi, arxiv_id, pmid, venue, published, url, pdf_url,
                             source, found_at, arxiv_key, title_key, pmcid, categories)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        article.identity, article.title, Self.strings(article.authors), article.abstract, article.doi,
                        article.arxivID, article.pmid, article.venue, article.published, article.url, article.pdfURL,
                        article.source, Date().timeIntervalSince1970, article.arxivKey, titleKey, article.pmcid,
                        Self.strings(article.categories),
                    ])
                new.append(article)
            }
            return new
        }
    }

    /// Notes which research queries found the article relevant (with each judgement's score and
    /// reason), and where its PDF went.
    public func mark(
        _ identity: String, relevantTo queries: [String], score: Double?, reasons: JSONObject, pdfPath: String?
    ) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    UPDATE articles SET relevant_to = ?, score = ?, reasons = ?, pdf_path = coalesce(?, pdf_path)
                    WHERE identity = ?
                    """,
                arguments: [
                    Self.strings(queries), score, JSONWriter.string(.object(reasons)), pdfPath, identity,
                ])
        }
    }

    public func count() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM articles") ?? 0 }
    }

    /// Articles, newest found first, as JSON: all, those relevant to some query, or those
    /// relevant to the research query `query`.
    public func articles(limit: Int, relevantOnly: Bool, query: String? = nil) throws -> [JSONValue] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if relevantOnly { conditions.append("relevant_to != '[]'") }
        if let query {
            conditions.append("relevant_to LIKE ? ESCAPE '\\'")
            let quoted = JSONWriter.string(.string(query)).replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            _ = arguments.append(contentsOf: ["%" + quoted + "%"])
        }
        _ = arguments.append(contentsOf: [limit])
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM articles \(filter) ORDER BY found_at DESC, rowid DESC LIMIT ?",
                arguments: arguments
            ).map { .object(Self.json($0)) }
        }
    }

    /// The stored article a DOI, arXiv id, PMID or exact title names, as a discovery record.
    public func article(named identifier: String) throws -> DiscoveredArticle? {
        let trimmed = identifier.trimmingCharacters(in: .whitespaces)
        return try queue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM articles WHERE doi = ? OR arxiv_key = ? OR pmid = ? OR title_key = ? LIMIT 1
                    """,
                arguments: [
                    trimmed.lowercased(), DiscoveredArticle.arxivKey(trimmed), trimmed, Self.titleKey(trimmed),
                ]
            ).map(Self.article)
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

    private static func strings(_ values: [String]) -> String { JSONWriter.string(.array(values.map { .string($0) })) }

    private static func json(_ row: Row) -> JSONObject {
        var object: JSONObject = [:]
        for column in [
            "title", "abstract", "doi", "arxiv_id", "pmid", "pmcid", "venue", "published", "url", "pdf_url", "source",
            "pdf_path",
        ] {
            object[column] = (row[column] as String?).map { .string($0) } ?? .null
        }
        for column in ["authors", "relevant_to", "categories"] {
            object[column] = (try? JSONReader.parse(row[column] as String)) ?? []
        }
        object["relevance"] = (try? JSONReader.parse(row["reasons"] as String)) ?? [:]
        object["score"] = (row["score"] as Double?).map { .double($0) } ?? .null
        return object
    }

    private static func article(_ row: Row) -> DiscoveredArticle {
        let list = { (column: String) in
            (try? JSONReader.parse(row[column] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        var article = DiscoveredArticle(title: row["title"], authors: list("authors"), source: row["source"])
        article.abstract = row["abstract"]
        article.doi = row["doi"]
        article.arxivID = row["arxiv_id"]
        article.pmid = row["pmid"]
        article.pmcid = row["pmcid"]
        article.venue = row["venue"]
        article.published = row["published"]
        article.url = row["url"]
        article.pdfURL = row["pdf_url"]
        article.categories = list("categories")
        return article
    }
}
