/// A chat model that answers a conversation, possibly by asking for tool calls.
public protocol ChatModel: Sendable {
    /// The model's name as the provider knows it.
    var model: String { get }
    /// Where requests go, for status reports (`https://openrouter.ai/api/v1`, …).
    var endpoint: String { get }
    func complete(_ messages: [ChatMessage], tools: [ToolSpec]) async throws -> ChatMessage
    /// `complete`, with the answer's text handed to `onText` piece by piece as the model writes it.
    func stream(
        _ messages: [ChatMessage], tools: [ToolSpec], onText: @escaping @Sendable (String) async -> Void
    ) async throws -> ChatMessage
}

extension ChatModel {
    /// A model that cannot stream hands its text over whole.
    public func stream(
        _ messages: [ChatMessage], tools: [ToolSpec], onText: @escaping @Sendable (String) async -> Void
    ) async throws -> ChatMessage {
        let reply = try await complete(messages, tools: tools)
        if !reply.content.isEmpty { await onText(reply.content) }
        return reply
    }
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
