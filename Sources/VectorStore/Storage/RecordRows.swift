import Foundation
import GRDB
import JSON

/// One record as read back from SQLite; fields not asked for are nil.
struct StoredRecord {
    var seq: Int64
    var id: String
    var embedding: [Float]?
    var document: String?
    var uri: String?
    var metadata: Metadata?
}

/// The record table's SQL. Every statement is cached: a batch reuses one prepared statement per kind.
extension Database {
    /// Inserts a record unless its id exists; returns the new seq, or nil when it existed.
    func insertRecord(
        collection: Int64, id: String, embedding: [Float], document: String?, uri: String?, metadata: Metadata?
    ) throws -> Int64? {
        let statement = try cachedStatement(
            sql: """
                INSERT INTO records(collection, id, embedding, document, uri, metadata)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(collection, id) DO NOTHING
                """)
        try statement.execute(arguments: [
            collection, id, Self.blob(embedding), document, uri, Self.metadataText(metadata),
        ])
        return changesCount == 1 ? lastInsertedRowID : nil
    }

    /// Adds the documents of records inserted from `seq` on to the trigram index, in one
    /// statement. Must run before any of those records is updated or deleted (their triggers
    /// remove the old document from the index).
    func indexDocuments(fromSeq seq: Int64) throws {
        try cachedStatement(
            sql: """
                INSERT INTO documents_fts(rowid, document)
                SELECT seq, document FROM records WHERE seq >= ? AND document IS NOT NULL
                """
        ).execute(arguments: [seq])
    }

    /// Copies every record of one collection into another, keeping their order, and indexes
    /// the copies' documents. Returns how many were copied.
    func copyRecords(from source: Int64, to target: Int64) throws -> Int {
        let firstNew = (try Int64.fetchOne(self, sql: "SELECT coalesce(MAX(seq), 0) FROM records") ?? 0) + 1
        try execute(
            sql: """
                INSERT INTO records(collection, id, embedding, document, uri, metadata)
                SELECT ?, id, embedding, document, uri, metadata FROM records WHERE collection = ? ORDER BY seq
                """,
            arguments: [target, source])
        let copied = changesCount
        try indexDocuments(fromSeq: firstNew)
        return copied
    }

    /// The stored fields of one record that a merge needs.
    func existingRecord(collection: Int64, id: String) throws -> StoredRecord? {
        let statement = try cachedStatement(
            sql: "SELECT seq, document, uri, metadata FROM records WHERE collection = ? AND id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [collection, id]) else { return nil }
        return StoredRecord(
            seq: row[0], id: id, embedding: nil, document: row[1], uri: row[2],
            metadata: try Self.metadata(fromText: row[3]))
    }

    /// Rewrites a record's fields (all of them; callers merge first).
    func updateRecord(seq: Int64, embedding: [Float]?, document: String?, uri: String?, metadata: Metadata?) throws {
        if let embedding {
            let statement = try cachedStatement(
                sql: "UPDATE records SET embedding = ?, document = ?, uri = ?, metadata = ? WHERE seq = ?")
            try statement.execute(arguments: [Self.blob(embedding), document, uri, Self.metadataText(metadata), seq])
        } else {
            let statement = try cachedStatement(
                sql: "UPDATE records SET document = ?, uri = ?, metadata = ? WHERE seq = ?")
            try statement.execute(arguments: [document, uri, Self.metadataText(metadata), seq])
        }
    }

    func deleteRecord(seq: Int64) throws {
        try cachedStatement(sql: "DELETE FROM records WHERE seq = ?").execute(arguments: [seq])
    }

    /// Seqs of the given ids that exist, ascending.
    func seqs(collection: Int64, ids: [String]) throws -> [Int64] {
        let statement = try cachedStatement(sql: "SELECT seq FROM records WHERE collection = ? AND id = ?")
        var seqs = Set<Int64>()
        for id in ids {
            if let seq = try Int64.fetchOne(statement, arguments: [collection, id]) { seqs.insert(seq) }
        }
        return seqs.sorted()
    }

    /// Records in seq order, `limit`/`offset` applied, with only the included fields read.
    func records(collection: Int64, include: Include, limit: Int?, offset: Int) throws -> [StoredRecord] {
        let sql =
            "SELECT \(Self.columns(include)) FROM records WHERE collection = ? ORDER BY seq LIMIT ? OFFSET ?"
        return try Row.fetchAll(self, sql: sql, arguments: [collection, limit ?? -1, offset]).map {
            try Self.storedRecord($0, include)
        }
    }

    /// Records with the given seqs, in ascending seq order.
    func records(seqs: [Int64], include: Include) throws -> [StoredRecord] {
        var result: [StoredRecord] = []
        result.reserveCapacity(seqs.count)
        for chunk in stride(from: 0, to: seqs.count, by: 500).map({ seqs[$0..<min($0 + 500, seqs.count)] }) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let sql = "SELECT \(Self.columns(include)) FROM records WHERE seq IN (\(placeholders)) ORDER BY seq"
            let rows = try Row.fetchAll(cachedStatement(sql: sql), arguments: StatementArguments(Array(chunk)))
            for row in rows { result.append(try Self.storedRecord(row, include)) }
        }
        return result
    }

    func recordCount(collection: Int64) throws -> Int {
        try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM records WHERE collection = ?", arguments: [collection]) ?? 0
    }

    /// Streams every record's seq, id and embedding in seq order (to build the in-memory index).
    func forEachVector(collection: Int64, _ body: (Int64, String, UnsafeRawBufferPointer) throws -> Void) throws {
        let cursor = try Row.fetchCursor(
            self, sql: "SELECT seq, id, embedding FROM records WHERE collection = ? ORDER BY seq",
            arguments: [collection])
        while let row = try cursor.next() {
            let seq: Int64 = row[0]
            let id: String = row[1]
            try row.withUnsafeData(atIndex: 2) { data in
                guard let data else { throw VectorStoreError.storage("record \(seq) has no embedding") }
                try data.withUnsafeBytes { try body(seq, id, $0) }
            }
        }
    }

    /// Streams every record's metadata in seq order.
    func forEachMetadata(collection: Int64, _ body: (Int64, Metadata?) throws -> Void) throws {
        let cursor = try Row.fetchCursor(
            self, sql: "SELECT seq, metadata FROM records WHERE collection = ? ORDER BY seq", arguments: [collection])
        while let row = try cursor.next() {
            try body(row[0], try Self.metadata(fromText: row[1]))
        }
    }

    /// Seqs of records whose document contains `text` (case-sensitive), ascending.
    func seqsOfDocuments(collection: Int64, containing text: String) throws -> [Int64] {
        if text.isEmpty {
            return try Int64.fetchAll(
                self, sql: "SELECT seq FROM records WHERE collection = ? AND document IS NOT NULL ORDER BY seq",
                arguments: [collection])
        }
        if text.unicodeScalars.count < 3 {
            // Shorter than a trigram: the index cannot help.
            return try Int64.fetchAll(
                self, sql: "SELECT seq FROM records WHERE collection = ? AND instr(document, ?) > 0 ORDER BY seq",
                arguments: [collection, text])
        }
        // Seqs of every collection come back; the caller keeps those of its own. Joining on
        // `records` here would let SQLite drive the FTS lookup row by row.
        let phrase = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return try Int64.fetchAll(
            self,
            sql:
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? AND instr(document, ?) > 0 ORDER BY rowid",
            arguments: [phrase, text])
    }

    /// Streams every record's document (nil: none) in seq order, while `body` returns true.
    func forEachDocumentInOrder(collection: Int64, _ body: (Int64, String?) throws -> Bool) throws {
        let cursor = try Row.fetchCursor(
            self, sql: "SELECT seq, document FROM records WHERE collection = ? ORDER BY seq", arguments: [collection])
        while let row = try cursor.next(), try body(row[0], row[1]) {}
    }

    /// Streams every non-null document of a collection.
    func forEachDocument(collection: Int64, _ body: (Int64, String) throws -> Void) throws {
        let cursor = try Row.fetchCursor(
            self, sql: "SELECT seq, document FROM records WHERE collection = ? AND document IS NOT NULL",
            arguments: [collection])
        while let row = try cursor.next() { try body(row[0], row[1]) }
    }

    // MARK: - Encoding

    static func blob(_ vector: [Float]) -> Data {
        vector.withUnsafeBytes { Data($0) }
    }

    static func floats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        [Float](unsafeUninitializedCapacity: bytes.count / 4) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 4 * 4)]))
            count = bytes.count / 4
        }
    }

    /// Metadata is stored as JSON text (ints and floats kept apart); empty metadata as NULL.
    static func metadataText(_ metadata: Metadata?) -> String? {
        guard let metadata, !metadata.isEmpty else { return nil }
        return JSONWriter.string(metadata.json)
    }

    static func metadata(fromText text: String?) throws -> Metadata? {
        guard let text else { return nil }
        guard let metadata = try Metadata(json: JSONReader.parse(text)) else {
            throw VectorStoreError.storage("stored metadata is not valid: \(text)")
        }
        return metadata
    }

    private static func columns(_ include: Include) -> String {
        var columns = ["seq", "id"]
        columns.append(include.contains(.embeddings) ? "embedding" : "NULL")
        columns.append(include.contains(.documents) ? "document" : "NULL")
        columns.append(include.contains(.uris) ? "uri" : "NULL")
        columns.append(include.contains(.metadatas) ? "metadata" : "NULL")
        return columns.joined(separator: ", ")
    }

    private static func storedRecord(_ row: Row, _ include: Include) throws -> StoredRecord {
        var record = StoredRecord(seq: row[0], id: row[1], document: row[3], uri: row[4])
        if include.contains(.embeddings) {
            record.embedding = try row.withUnsafeData(atIndex: 2) { data in
                data.map { $0.withUnsafeBytes { floats($0) } } ?? []
            }
        }
        if include.contains(.metadatas) { record.metadata = try metadata(fromText: row[5]) }
        return record
    }
}
