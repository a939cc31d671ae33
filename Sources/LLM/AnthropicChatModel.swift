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
            baseURL.appendingPathComponent("v1/messages"), body: .object(requestBody(messages, tools: tools)),
            endpoint: endpoint, keyHint: "API_ANTHROPIC_KEY")
        guard let body = reply.json?.objectValue, let blocks = body["content"]?.arrayValue else {
            throw LLMError("The language model sent a malformed reply: \(reply.message)")
        }
        return try Self.message(blocks)
    }

    /// `"stream": true`: `content_block_start` opens a text or tool-use block, its deltas
    /// (`text_delta`, `input_json_delta`) fill it, and the blocks make the message `complete`
    /// would return; an `error` event fails the answer.
    public func stream(
        _ messages: [ChatMessage], tools: [ToolSpec], onText: @escaping @Sendable (String) async -> Void
    ) async throws -> ChatMessage {
        var body = requestBody(messages, tools: tools)
        body["stream"] = true
        let blocks = StreamedBlocks()
        try await client.modelEvents(
            baseURL.appendingPathComponent("v1/messages"), body: .object(body), endpoint: endpoint,
            keyHint: "API_ANTHROPIC_KEY"
        ) { event in
            guard case .object(let data)? = try? JSONReader.parse(event.data) else {
                throw LLMError("The language model sent a malformed piece of its answer: \(event.data.prefix(200))")
            }
            let index = Int(data["index"]?.intValue ?? 0)
            switch data["type"]?.stringValue {
            case "content_block_start":
                await blocks.start(index, data["content_block"]?.objectValue ?? [:])
            case "content_block_delta":
                let delta = data["delta"]?.objectValue ?? [:]
                if let text = delta["text"]?.stringValue {
                    await blocks.append(index, text: text)
                    await onText(text)
                } else if let json = delta["partial_json"]?.stringValue {
                    await blocks.append(index, json: json)
                }
            case "error":
                let message = data["error"]?.objectValue?["message"]?.stringValue ?? "unknown error"
                throw LLMError("The language model failed mid-answer: \(message)")
            default: break
            }
        }
        return try Self.message(try await blocks.all())
    }

    /// Text blocks joined, tool-use blocks as tool calls; other blocks carry nothing Thoth acts on.
    static func message(_ blocks: [JSONValue]) throws -> ChatMessage {
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
            default: continue  // thinking and server-tool blocks
            }
        }
        return ChatMessage(.assistant, text.joined(separator: "\n"), toolCalls: calls)
    }

    func requestBody(_ messages: [ChatMessage], tools: [ToolSpec]) -> JSONObject {
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
        return body
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

/// The content blocks of a streamed Messages answer, by index; a tool's input arrives as JSON text.
private actor StreamedBlocks {
    private var blocks: [Int: JSONObject] = [:]
    private var inputs: [Int: String] = [:]

    func start(_ index: Int, _ block: JSONObject) { blocks[index] = block }

    func append(_ index: Int, text: String) {
        blocks[index, default: ["type": "text"]]["text"] = .string((blocks[index]?["text"]?.stringValue ?? "") + text)
    }

    func append(_ index: Int, json: String) { inputs[index, default: ""] += json }

    func all() throws -> [JSONValue] {
        try blocks.sorted { $0.key < $1.key }.map { index, block in
            var block = block
            if let json = inputs[index], !json.isEmpty {
                guard case .object(let input)? = try? JSONReader.parse(json) else {
                    throw LLMError("The language model sent tool input that is not a JSON object: \(json.prefix(200))")
                }
                block["input"] = .object(input)
            }
            return .object(block)
        }
    }
}
