import Foundation
import JSON
import LLM
import Synchronization

/// Answers questions and chat messages from the knowledge base: the top passages go to the
/// chat model when one is configured; without one, or when it fails, the answer is quoted
/// from the passages and says so. Chat turns are stored in the chat history.
public struct ResearchAssistant: Sendable {
    public let knowledge: KnowledgeBase
    /// The configured model, swapped when keys or model settings change at run time.
    public var chatModel: (any ChatModel)? { model.value.withLock { $0 } }
    private let model: ChatModelSlot
    public let chats: ChatStore
    let replies: ResponseCache<String>
    let timeout: Double
    /// Earlier messages sent along with a chat turn.
    let historyLength = 10

    public init(
        knowledge: KnowledgeBase, chatModel: (any ChatModel)?, chats: ChatStore, cache: ResponseCache<String>,
        timeout: Double
    ) {
        self.knowledge = knowledge
        self.model = ChatModelSlot(value: Mutex(chatModel))
        self.chats = chats
        self.replies = cache
        self.timeout = timeout
    }

    /// What the answer was built from.
    public struct Answer: Sendable {
        public var text: String
        public var passages: [Passage]
        /// The model that wrote it, or `offline`.
        public var model: String
        /// Why the model was not used, when it failed or retrieval was unavailable.
        public var notes: [String]

        public var sourcesJSON: JSONValue {
            .array(
                passages.map { passage in
                    let content = passage.content.count > 200 ? passage.content.prefix(200) + "..." : passage.content
                    var source: JSONObject = [
                        "content": .string(String(content)), "metadata": .object(passage.metadata),
                    ]
                    if let page = passage.page { source["page"] = .string(page) }
                    if let location = passage.location { source["location"] = .string(location) }
                    return .object(source)
                })
        }
    }

    /// A one-off question over the knowledge base (`rag ask`).
    public func ask(_ question: String, k: Int? = nil) async throws -> Answer {
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ThothError(.invalidRequest, "The question is empty")
        }
        return try await answer(question, history: [], k: k)
    }

    /// One chat turn: answered with the session's recent history, and both messages stored.
    public func chat(_ message: String, sessionID: String) async throws -> Answer {
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ThothError(.invalidRequest, "The message is empty")
        }
        let history = try self.history(sessionID)
        try chats.append(sessionID: sessionID, role: "user", content: message)
        let answer = try await answer(message, history: history, k: nil)
        try chats.append(
            sessionID: sessionID, role: "assistant", content: answer.text,
            metadata: ["model": .string(answer.model), "sources": answer.sourcesJSON])
        return answer
    }

    /// Uses `chatModel` from now on (nil: answer offline).
    public func replaceChatModel(_ chatModel: (any ChatModel)?) {
        model.value.withLock { $0 = chatModel }
    }

    /// The session's recent user and assistant turns, oldest first.
    func history(_ sessionID: String) throws -> [ChatMessage] {
        try chats.recentMessages(sessionID: sessionID, count: historyLength).compactMap { stored -> ChatMessage? in
            guard let role = ChatMessage.Role(rawValue: stored.role), role == .user || role == .assistant,
                !stored.content.isEmpty
            else { return nil }
            return ChatMessage(role, stored.content)
        }
    }

    /// The passages for a question; when retrieval is unavailable, none, with the reason in `notes`.
    func retrieve(_ question: String, k: Int?, notes: inout [String]) async throws -> [Passage] {
        do {
            // An answer reads each passage with the chunks around it (THOTH_RAG_NEIGHBOUR_CHUNKS).
            return try await knowledge.widened(try await knowledge.search(question, k: k))
        } catch let error as ThothError where error.kind == .unavailable {
            notes.append(error.message)
            return []
        }
    }

    /// The answer without a model: the passages' best sentences, and `reason` saying why.
    func offlineAnswer(_ question: String, passages: [Passage], notes: [String], reason: String) -> Answer {
        Answer(
            text: ExtractiveAnswer.compose(question: question, passages: passages, reason: reason),
            passages: passages, model: "offline", notes: notes)
    }

    static let noModelReason =
        "No language model is configured (set API_OPENROUTER_KEY, API_MISTRAL_KEY, API_OPENAI_KEY or "
        + "THOTH_LLM_BASE_URL), so this answer is quoted from the knowledge base."

    static func failedModelReason(_ notes: [String]) -> String {
        "The language model could not answer (\(notes.last ?? "unknown error")), so this answer is quoted from "
            + "the knowledge base."
    }

    private func answer(_ question: String, history: [ChatMessage], k: Int?) async throws -> Answer {
        var notes: [String] = []
        let passages = try await retrieve(question, k: k, notes: &notes)
        guard let chatModel = chatModel else {
            return offlineAnswer(question, passages: passages, notes: notes, reason: Self.noModelReason)
        }
        let messages = [ChatMessage(.system, Self.systemPrompt(passages))] + history + [ChatMessage(.user, question)]
        let key = JSONWriter.string(.array(messages.map { [.string($0.role.rawValue), .string($0.content)] }))
        do {
            let text = try await replies.value(for: chatModel.model + "\u{0}" + key) {
                try await withTimeout(seconds: timeout, "The language model") {
                    try await chatModel.complete(messages, tools: []).content
                }
            }
            return Answer(text: text, passages: passages, model: chatModel.model, notes: notes)
        } catch let error as LLMError {
            notes.append(error.message)
        } catch let error as ThothError where error.kind == .unavailable {
            notes.append(error.message)
        }
        return offlineAnswer(question, passages: passages, notes: notes, reason: Self.failedModelReason(notes))
    }

    static func systemPrompt(_ passages: [Passage]) -> String {
        var prompt = """
            You are Thoth, a research assistant. Answer from the numbered passages of the user's knowledge \
            base below when they are relevant, cite them as [1], [2], …, and say so plainly when they do not \
            hold the answer.
            """
        for (index, passage) in passages.enumerated() {
            prompt += "\n\n[\(index + 1)] \(passage.citation) (\(passage.source))\n\(passage.content)"
        }
        return prompt
    }
}

/// Holds the current chat model; a class so that copies of the assistant share it.
private final class ChatModelSlot: Sendable {
    let value: Mutex<(any ChatModel)?>
    init(value: consuming Mutex<(any ChatModel)?>) { self.value = value }
}
