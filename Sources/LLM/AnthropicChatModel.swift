import Foundation
import JSON
import JSONHTTP

/// Anthropic's Messages API (`POST {base}/v1/messages`), with tool use. The conversation is
/// mapped to Anthropic's shape: system messages become the `system` field, a tool result is a
/// `tool_result` block in a user turn (several results of one turn in one message), and turns of
/// the same role are merged, as the API requires them to alternate. 429 and 529 (overloaded) are
/// retried, honouring `Retry-After`.
public struct AnthropicChatModel: ChatModel {
    public static let version = "2023-06-01"
    public let baseURL: URL
    public let model: String
    public var temperature: Double
    public var maxTokens: Int
    var client: JSONHTTPClient

    public init(
        baseURL: URL, model: String, apiKey: String, temperature: Double = 0.2, maxTokens: Int = 2000,
        timeout: TimeInterval = 120, maxRetries: Int = 3
    ) {
        self.baseURL = baseURL
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        client = JSONHTTPClient(
            headers: ["x-api-key": apiKey, "anthropic-version": Self.version], timeout: timeout,
            maxRetries: maxRetries)
    }

    public var endpoint: String { baseURL.absoluteString }

    public func complete(_ messages: [ChatMessage], tools: [ToolSpec]) async throws -> ChatMessage {
        let reply = try await client.modelReply(
            baseURL.appendingPathComponent("v1/messages"), body: requestBody(messages, tools: tools),
            endpoint: endpoint, keyHint: "API_ANTHROPIC_KEY")
        guard let body = reply.json?.objectValue, let blocks = body["content"]?.arrayValue else {
            throw LLMError("The language model sent a malformed reply: \(reply.message)")
        }
        var text: [String] = []
        var calls: [ToolCall] = []
        for block in blocks.compactMap(\.objectValue) {
            switch block["type"]?.stringValue {
            case "text": text.append(block["text"]?.stringValue ?? "")
            case "tool_use":
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw LLMError("The language model asked for a tool without an id or a name")
                }
                calls.append(ToolCall(id: id, name: name, arguments: block["input"]?.objectValue ?? [:]))
            default: continue  // thinking and server-tool blocks carry nothing Thoth acts on
            }
        }
        return ChatMessage(.assistant, text.joined(separator: "\n"), toolCalls: calls)
    }

    func requestBody(_ messages: [ChatMessage], tools: [ToolSpec]) -> JSONValue {
        var body: JSONObject = [
            "model": .string(model), "max_tokens": .int(Int64(maxTokens)), "temperature": .double(temperature),
            "messages": .array(Self.turns(messages)),
        ]
        let system = messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        if !system.isEmpty { body["system"] = .string(system) }
        if !tools.isEmpty {
            body["tools"] = .array(
                tools.map {
                    ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.parameters]
                })
        }
        return .object(body)
    }

    /// The non-system messages as alternating user/assistant turns of content blocks.
    static func turns(_ messages: [ChatMessage]) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        for message in messages where message.role != .system {
            var blocks: [JSONValue] = []
            let role: String
            switch message.role {
            case .tool:
                role = "user"
                blocks.append([
                    "type": "tool_result", "tool_use_id": .string(message.toolCallID ?? ""),
                    "content": .string(message.content),
                ])
            case .assistant:
                role = "assistant"
                if !message.content.isEmpty { blocks.append(["type": "text", "text": .string(message.content)]) }
                for call in message.toolCalls {
                    blocks.append([
                        "type": "tool_use", "id": .string(call.id), "name": .string(call.name),
                        "input": .object(call.arguments),
                    ])
                }
            default:
                role = "user"
                blocks.append(["type": "text", "text": .string(message.content)])
            }
            guard !blocks.isEmpty else { continue }
            if turns.last?.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }
}
