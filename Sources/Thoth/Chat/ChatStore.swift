import Foundation
import GRDB
import JSON

/// Chat sessions and their messages in SQLite (`chat_history.sqlite3` in the data folder), with
/// the original's two tables. Every change is one transaction; deleting a session deletes its messages.
public final class ChatStore: Sendable {
    public static let fileName = "chat_history.sqlite3"
    private let queue: DatabaseQueue

    public init(directory: String) throws {
        queue = try DatabaseFile.open(Self.fileName, in: directory, foreignKeys: true) { migrator in
            migrator.registerMigration("v1 sessions and messages") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE chat_sessions (
                            id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
                            is_active INTEGER NOT NULL DEFAULT 1, metadata TEXT NOT NULL DEFAULT '{}',
                            message_count INTEGER NOT NULL DEFAULT 0, last_message_preview TEXT);
                        CREATE TABLE chat_messages (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                            session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
                            role TEXT NOT NULL, content TEXT NOT NULL, timestamp REAL NOT NULL,
                            tool_calls TEXT NOT NULL DEFAULT '[]', metadata TEXT NOT NULL DEFAULT '{}',
                            parent_message_id TEXT);
                        CREATE INDEX chat_messages_session ON chat_messages(session_id, seq);
                        """)
            }
        }
    }

    public func close() throws { try queue.close() }

    /// A consistent copy of the chat history written to `destination` (SQLite's online backup).
    public func backup(to destination: String) throws {
        let copy = try DatabaseQueue(path: destination)
        try queue.backup(to: copy)
        try copy.close()
    }

    // MARK: - Sessions

    public func createSession(id: String? = nil, title: String, metadata: JSONObject = [:]) throws -> ChatSession {
        let now = Date()
        let session = ChatSession(
            id: id ?? UUID().uuidString.lowercased(), title: title, createdAt: now, updatedAt: now, isActive: true,
            metadata: metadata, messageCount: 0, lastMessagePreview: nil)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO chat_sessions (id, title, created_at, updated_at, metadata) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    session.id, title, now.timeIntervalSince1970, now.timeIntervalSince1970,
                    JSONWriter.string(.object(metadata)),
                ])
        }
        return session
    }

    public func session(_ id: String) throws -> ChatSession? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM chat_sessions WHERE id = ?", arguments: [id]).map(Self.session)
        }
    }

    /// Most recently updated first.
    public func sessions(activeOnly: Bool, limit: Int) throws -> [ChatSession] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM chat_sessions \(activeOnly ? "WHERE is_active = 1" : "") "
                    + "ORDER BY updated_at DESC, rowid DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map(Self.session)
        }
    }

    /// Changes the title and/or replaces the metadata; nil when the session does not exist.
    public func updateSession(_ id: String, title: String?, metadata: JSONObject?) throws -> ChatSession? {
        try queue.write { db in
            if let title {
                try db.execute(sql: "UPDATE chat_sessions SET title = ? WHERE id = ?", arguments: [title, id])
            }
            if let metadata {
                try db.execute(
                    sql: "UPDATE chat_sessions SET metadata = ? WHERE id = ?",
                    arguments: [JSONWriter.string(.object(metadata)), id])
            }
            try db.execute(
                sql: "UPDATE chat_sessions SET updated_at = ? WHERE id = ?",
                arguments: [Date().timeIntervalSince1970, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM chat_sessions WHERE id = ?", arguments: [id]).map(
                Self.session)
        }
    }

    /// False when the session does not exist.
    public func archiveSession(_ id: String) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "UPDATE chat_sessions SET is_active = 0 WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// False when the session does not exist.
    public func deleteSession(_ id: String) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM chat_sessions WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: - Messages

    /// Appends a message, creating the session (titled after the message) when it does not exist yet.
    @discardableResult
    public func append(
        sessionID: String, role: String, content: String, toolCalls: JSONValue = [], metadata: JSONObject = [:]
    ) throws -> StoredChatMessage {
        let message = StoredChatMessage(
            id: UUID().uuidString.lowercased(), sessionID: sessionID, role: role, content: content, timestamp: Date(),
            toolCalls: toolCalls, metadata: metadata)
        try queue.write { db in
            let time = message.timestamp.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO NOTHING
                    """,
                arguments: [sessionID, Self.title(from: content), time, time])
            try db.execute(
                sql: """
                    INSERT INTO chat_messages (id, session_id, role, content, timestamp, tool_calls, metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    message.id, sessionID, role, content, time, JSONWriter.string(toolCalls),
                    JSONWriter.string(.object(metadata)),
                ])
            try db.execute(
                sql: """
                    UPDATE chat_sessions SET message_count = message_count + 1, last_message_preview = ?,
                    updated_at = ? WHERE id = ?
                    """,
                arguments: [String(content.prefix(100)), time, sessionID])
        }
        return message
    }

    /// Oldest first, `offset` and `limit` applied; with the session's total.
    public func messages(sessionID: String, limit: Int, offset: Int) throws -> (
        messages: [StoredChatMessage], total: Int
    ) {
        try queue.read { db in
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM chat_messages WHERE session_id = ?", arguments: [sessionID]) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM chat_messages WHERE session_id = ? ORDER BY seq LIMIT ? OFFSET ?",
                arguments: [sessionID, max(0, limit), max(0, offset)])
            return (rows.map(Self.message), total)
        }
    }

    /// The last `count` messages of a session, oldest first (conversation context).
    public func recentMessages(sessionID: String, count: Int) throws -> [StoredChatMessage] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM chat_messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?",
                arguments: [sessionID, count]
            ).map(Self.message).reversed()
        }
    }

    /// Messages containing `text` (case-insensitive), newest first.
    public func search(_ text: String, sessionID: String?, limit: Int) throws -> [StoredChatMessage] {
        let pattern =
            "%"
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try queue.read { db in
            var sql = "SELECT * FROM chat_messages WHERE content LIKE ? ESCAPE '\\'"
            var arguments: StatementArguments = [pattern]
            if let sessionID {
                sql += " AND session_id = ?"
                arguments += [sessionID]
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            arguments += [max(0, limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.message)
        }
    }

    // MARK: - Rows

    private static func session(_ row: Row) -> ChatSession {
        ChatSession(
            id: row["id"], title: row["title"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]), isActive: row["is_active"],
            metadata: object(row["metadata"]), messageCount: row["message_count"],
            lastMessagePreview: row["last_message_preview"])
    }

    private static func message(_ row: Row) -> StoredChatMessage {
        StoredChatMessage(
            id: row["id"], sessionID: row["session_id"], role: row["role"], content: row["content"],
            timestamp: Date(timeIntervalSince1970: row["timestamp"]),
            toolCalls: (try? JSONReader.parse(row["tool_calls"] as String)) ?? [], metadata: object(row["metadata"]))
    }

    private static func object(_ text: String) -> JSONObject {
        (try? JSONReader.parse(text))?.objectValue ?? [:]
    }

    private static func title(from message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.isEmpty ? "New Chat" : String(line.prefix(60))
    }
}
