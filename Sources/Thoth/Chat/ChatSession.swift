import Foundation
import JSON

/// A conversation, as the original's `chat_sessions` table and API describe it.
public struct ChatSession: Sendable {
    public let id: String
    public var title: String
    public let createdAt: Date
    public var updatedAt: Date
    public var isActive: Bool
    public var metadata: JSONObject
    public var messageCount: Int
    public var lastMessagePreview: String?

    public var json: JSONValue {
        [
            "id": .string(id), "title": .string(title), "created_at": .string(ISOTime.string(createdAt)),
            "updated_at": .string(ISOTime.string(updatedAt)), "is_active": .bool(isActive),
            "metadata": .object(metadata), "message_count": .int(Int64(messageCount)),
            "last_message_preview": lastMessagePreview.map { .string($0) } ?? .null,
        ]
    }
}

/// One stored message.
public struct StoredChatMessage: Sendable {
    public let id: String
    public let sessionID: String
    public let role: String
    public let content: String
    public let timestamp: Date
    public let toolCalls: JSONValue
    public let metadata: JSONObject

    public var json: JSONValue {
        [
            "id": .string(id), "session_id": .string(sessionID), "role": .string(role), "content": .string(content),
            "timestamp": .string(ISOTime.string(timestamp)), "tool_calls": toolCalls, "metadata": .object(metadata),
        ]
    }
}
