/// A chat model that answers a conversation, possibly by asking for tool calls.
public protocol ChatModel: Sendable {
    /// The model's name as the provider knows it.
    var model: String { get }
    /// Where requests go, for status reports (`https://openrouter.ai/api/v1`, …).
    var endpoint: String { get }
    func complete(_ messages: [ChatMessage], tools: [ToolSpec]) async throws -> ChatMessage
}

/// Why a completion failed, in words fit for a user.
public struct LLMError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    /// The provider's HTTP status, when it answered.
    public let status: Int?
    public init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }
    public var description: String { message }
}
