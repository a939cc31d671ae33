import Foundation
import JSON
import LLM

/// The research agent: a tool-calling loop over the chat model, with the registry's tools run
/// in-process. At most `maxToolCalls` calls per turn (then the model must answer without
/// tools), the whole turn within `timeout`. Every message — the user's, each tool result, the
/// answer — is recorded in the chat session. Without a model, or when it fails, the turn is
/// answered from retrieval alone and says so.
public struct ResearchAgent: Sendable {
    public let assistant: ResearchAssistant
    public let tools: ToolRegistry
    public let maxToolCalls: Int
    public let timeout: Double
    /// What the agent remembers of the user, recalled into each turn by similarity.
    public let memory: AgentMemory?

    public init(
        assistant: ResearchAssistant, tools: ToolRegistry, maxToolCalls: Int, timeout: Double,
        memory: AgentMemory? = nil
    ) {
        self.assistant = assistant
        self.tools = tools
        self.maxToolCalls = maxToolCalls
        self.timeout = timeout
        self.memory = memory
    }

    /// A tool call made during a turn, as replies report it.
    public struct ToolCallRecord: Sendable {
        public let tool: String
        public let arguments: JSONObject
        public let isError: Bool

        public var json: JSONValue { ["tool": .string(tool), "args": .object(arguments), "is_error": .bool(isError)] }
    }

    public struct Reply: Sendable {
        public var answer: ResearchAssistant.Answer
        public var toolCalls: [ToolCallRecord]
    }

    /// One chat turn. `onToolCall` hears of each tool call as it finishes; `onText`, when given,
    /// of the model's text as it is written (the model is then asked to stream).
    public func chat(
        _ message: String, sessionID: String, onToolCall: @escaping @Sendable (ToolCallRecord) async -> Void = { _ in },
        onText: (@Sendable (String) async -> Void)? = nil
    ) async throws -> Reply {
        guard let model = assistant.chatModel else {
            return Reply(answer: try await assistant.chat(message, sessionID: sessionID), toolCalls: [])
        }
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ThothError(.invalidRequest, "The message is empty")
        }
        let chats = assistant.chats
        let history = try assistant.history(sessionID)
        try chats.append(sessionID: sessionID, role: "user", content: message)
        var notes: [String] = []
        let passages = try await assistant.retrieve(message, k: nil, notes: &notes)
        let recalled = (try? await memory?.memories(query: message, limit: 5)) ?? []
        let calls = CallLog()
        var answer: ResearchAssistant.Answer
        do {
            let text = try await withTimeout(seconds: timeout, "The research agent") {
                try await run(
                    model, history: history, message: message, passages: passages, recalled: recalled,
                    sessionID: sessionID, onText: onText
                ) {
                    record in
                    await calls.add(record)
                    await onToolCall(record)
                }
            }
            answer = ResearchAssistant.Answer(text: text, passages: passages, model: model.model, notes: notes)
        } catch let error as LLMError {
            notes.append(error.message)
            answer = assistant.offlineAnswer(
                message, passages: passages, notes: notes, reason: ResearchAssistant.failedModelReason(notes))
        } catch let error as ThothError where error.kind == .unavailable {
            notes.append(error.message)
            answer = assistant.offlineAnswer(
                message, passages: passages, notes: notes, reason: ResearchAssistant.failedModelReason(notes))
        }
        let made = await calls.all
        try chats.append(
            sessionID: sessionID, role: "assistant", content: answer.text, toolCalls: .array(made.map(\.json)),
            metadata: ["model": .string(answer.model), "sources": answer.sourcesJSON])
        return Reply(answer: answer, toolCalls: made)
    }

    private func run(
        _ model: any ChatModel, history: [ChatMessage], message: String, passages: [Passage],
        recalled: [AgentMemory.Memory], sessionID: String, onText: (@Sendable (String) async -> Void)?,
        record: @escaping @Sendable (ToolCallRecord) async -> Void
    ) async throws -> String {
        var messages =
            [ChatMessage(.system, Self.systemPrompt(passages, toolCount: tools.tools.count, recalled: recalled))]
            + history + [ChatMessage(.user, message)]
        var used = 0
        while true {
            try Task.checkCancellation()
            let offered = used < maxToolCalls ? tools.specs : []
            let reply =
                if let onText {
                    try await model.stream(messages, tools: offered, onText: onText)
                } else {
                    try await model.complete(messages, tools: offered)
                }
            if reply.toolCalls.isEmpty || offered.isEmpty { return reply.content }
            messages.append(reply)
            for call in reply.toolCalls {
                let content: String
                if used < maxToolCalls {
                    used += 1
                    let result = await tools.call(call.name, arguments: call.arguments)
                    content = (result.isError ? "Error: " : "") + String(result.text.prefix(12_000))
                    await record(ToolCallRecord(tool: call.name, arguments: call.arguments, isError: result.isError))
                    try assistant.chats.append(
                        sessionID: sessionID, role: "tool", content: content,
                        metadata: ["tool": .string(call.name), "arguments": .object(call.arguments)])
                } else {
                    content = "Not run: the limit of \(maxToolCalls) tool calls for this turn is reached. Answer now."
                }
                messages.append(ChatMessage(.tool, content, toolCallID: call.id))
            }
        }
    }

    static func systemPrompt(_ passages: [Passage], toolCount: Int, recalled: [AgentMemory.Memory] = []) -> String {
        ResearchAssistant.systemPrompt(passages)
            + "\n\nYou can call \(toolCount) tools to search the knowledge base, read articles, manage research "
            + "queries and inspect collections. Call a tool when the passages above are not enough. When the user "
            + "asks you to remember something, or tells you a lasting fact about their work, call `remember`."
            + (recalled.isEmpty
                ? ""
                : "\n\nWhat you remember about the user:\n" + recalled.map { "- \($0.text)" }.joined(separator: "\n"))
    }
}

/// The tool calls of one turn, collected from the loop (which may run on another task).
private actor CallLog {
    var all: [ResearchAgent.ToolCallRecord] = []
    func add(_ record: ResearchAgent.ToolCallRecord) { all.append(record) }
}
