import Discovery
import Foundation
import GRDB
import JSON

/// What the agent remembers for each user (`memory.sqlite3` in the data folder): what a user
/// asked it to remember and facts it derived, each with its embedding, recalled into a turn's
/// context by similarity to the message. At most `capacity` memories a user: the oldest go first.
public final class AgentMemory: Sendable {
    public static let fileName = "memory.sqlite3"
    public typealias Embed = @Sendable ([String]) async throws -> [[Float]]

    public struct Memory: Sendable {
        public let id: String
        public let user: String
        public var text: String
        /// `told` (the user asked) or `derived` (the agent concluded it).
        public let kind: String
        public let createdAt: Date
        public var updatedAt: Date
        /// Similarity to the query it was recalled for.
        public var score: Double?

        public var json: JSONValue {
            var object: JSONObject = [
                "id": .string(id), "user": .string(user), "text": .string(text), "kind": .string(kind),
                "created_at": .string(ISOTime.string(createdAt)), "updated_at": .string(ISOTime.string(updatedAt)),
            ]
            if let score { object["score"] = .double((score * 1000).rounded() / 1000) }
            return .object(object)
        }
    }

    private let queue: DatabaseQueue
    let embed: Embed?
    public let capacity: Int

    public init(directory: String, embed: Embed?, capacity: Int = 1000) throws {
        self.embed = embed
        self.capacity = max(1, capacity)
        queue = try DatabaseFile.open(Self.fileName, in: directory) { migrator in
            migrator.registerMigration("v1 memories") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE memories (
                            id TEXT PRIMARY KEY, user TEXT NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
                            embedding BLOB, created_at REAL NOT NULL, updated_at REAL NOT NULL);
                        CREATE INDEX memories_user ON memories(user, created_at);
                        """)
            }
        }
    }

    public func close() throws { try queue.close() }

    /// Keeps `text` for `user`; returns it. The oldest memories beyond `capacity` are dropped.
    @discardableResult
    public func remember(_ text: String, user: String = "default", kind: String = "told") async throws -> Memory {
        let text = try Self.checked(text)
        let vector = try await embed?([text]).first
        let now = Date()
        let memory = Memory(
            id: UUID().uuidString.lowercased(), user: user, text: text, kind: kind == "derived" ? "derived" : "told",
            createdAt: now, updatedAt: now)
        try await queue.write { [capacity] db in
            try db.execute(
                sql: """
                    INSERT INTO memories (id, user, text, kind, embedding, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    memory.id, user, text, memory.kind, vector.map(Self.blob), now.timeIntervalSince1970,
                    now.timeIntervalSince1970,
                ])
            try db.execute(
                sql: """
                    DELETE FROM memories WHERE user = ? AND id NOT IN (
                        SELECT id FROM memories WHERE user = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)
                    """,
                arguments: [user, user, capacity])
        }
        return memory
    }

    /// The user's memories, newest first; with `query`, the most similar first (at least `minimum`).
    public func memories(
        user: String = "default", query: String? = nil, limit: Int = 100, minimum: Double = 0.3
    ) async throws -> [Memory] {
        let rows = try await queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM memories WHERE user = ? ORDER BY created_at DESC, rowid DESC",
                arguments: [user])
        }
        var memories = rows.map(Self.memory)
        guard let query, !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Array(memories.prefix(limit))
        }
        guard let embed, let target = try await embed([query]).first else {
            // Without the embedding model: the memories sharing a word with the query.
            let words = Set(TagNames.key(query).split(separator: " "))
            return Array(
                memories.filter { !words.isDisjoint(with: TagNames.key($0.text).split(separator: " ")) }.prefix(limit))
        }
        let vectors = rows.map { ($0["embedding"] as Data?).map(Self.floats) }
        for index in memories.indices {
            memories[index].score = vectors[index].map { OfflineRelevance.cosine($0, target) }
        }
        return Array(
            memories.filter { ($0.score ?? 0) >= minimum }.sorted { ($0.score ?? 0) > ($1.score ?? 0) }.prefix(limit))
    }

    public func update(_ id: String, text: String) async throws -> Memory {
        let text = try Self.checked(text)
        let vector = try await embed?([text]).first
        let row = try await queue.write { db -> Row? in
            try db.execute(
                sql: "UPDATE memories SET text = ?, embedding = ?, updated_at = ? WHERE id = ?",
                arguments: [text, vector.map(Self.blob), Date().timeIntervalSince1970, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM memories WHERE id = ?", arguments: [id])
        }
        guard let row else { throw ThothError(.notFound, "No memory with id \(id)") }
        return Self.memory(row)
    }

    public func forget(_ id: String) async throws {
        let removed = try await queue.write { db in
            try db.execute(sql: "DELETE FROM memories WHERE id = ?", arguments: [id])
            return db.changesCount
        }
        guard removed > 0 else { throw ThothError(.notFound, "No memory with id \(id)") }
    }

    static func checked(_ text: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else {
            throw ThothError(.invalidRequest, "A memory is 1 to 2,000 characters of text")
        }
        return text
    }

    static func memory(_ row: Row) -> Memory {
        Memory(
            id: row["id"], user: row["user"], text: row["text"], kind: row["kind"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    static func blob(_ vector: [Float]) -> Data { vector.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
