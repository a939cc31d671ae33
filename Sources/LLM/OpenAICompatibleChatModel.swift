import Foundation
import JSON
import JSONHTTP

/// `POST {base}/chat/completions` of any OpenAI-compatible provider (OpenRouter, Mistral,
/// OpenAI, a local server), with tool calling. Retries 429/5xx; a timeout, a refused key or a
/// malformed answer is an `LLMError`.
public struct OpenAICompatibleChatModel: ChatModel {
    public let baseURL: URL
    public let model: String
    public let apiKey: String?
    public var temperature: Double
    public var maxTokens: Int
    var client: JSONHTTPClient

    public init(
        baseURL: URL, model: String, apiKey: String?, temperature: Double = 0.2, maxTokens: Int = 2000,
        timeout: TimeInterval = 120, maxRetries: Int = 3
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.temperature = temperature
        self.maxTokens = maxTokens
        var headers: [String: String] = [:]
        if let apiKey, !apiKey.isEmpty { headers["Authorization"] = "Bearer \(apiKey)" }
        client = JSONHTTPClient(headers: headers, timeout: timeout, maxRetries: maxRetries)
    }

    public var endpoint: String { baseURL.absoluteString }

    public func complete(_ messages: [ChatMessage], tools: [ToolSpec]) async throws -> ChatMessage {
        let reply = try await client.modelReply(
            baseURL.appendingPathComponent("chat/completions"), body: .object(requestBody(messages, tools: tools)),
            endpoint: endpoint, keyHint: "the API key")
        guard case .object(let body)? = reply.json, case .array(let choices)? = body["choices"],
            case .object(let choice)? = choices.first, case .object(let message)? = choice["message"]
        else { throw LLMError("The language model sent a malformed reply: \(reply.message)") }
        return try Self.parseMessage(message)
    }

    /// `"stream": true`: `choices[0].delta` pieces — text, and tool calls whose arguments arrive
    /// in fragments by `index` — put back together into the message `complete` would return.
    public func stream(
        _ messages: [ChatMessage], tools: [ToolSpec], onText: @escaping @Sendable (String) async -> Void
    ) async throws -> ChatMessage {
        var body = requestBody(messages, tools: tools)
        body["stream"] = true
        let message = StreamedMessage()
        try await client.modelEvents(
            baseURL.appendingPathComponent("chat/completions"), body: .object(body), endpoint: endpoint,
            keyHint: "the API key"
        ) { event in
            guard event.data != "[DONE]" else { return }
            guard case .object(let chunk)? = try? JSONReader.parse(event.data) else {
                throw LLMError("The language model sent a malformed piece of its answer: \(event.data.prefix(200))")
            }
            if case .object(let error)? = chunk["error"] {
                throw LLMError(
                    "The language model failed mid-answer: \(error["message"]?.stringValue ?? "unknown error")")
            }
            guard case .array(let choices)? = chunk["choices"], case .object(let choice)? = choices.first,
                case .object(let delta)? = choice["delta"]
            else { return }
            if let text = delta["content"]?.stringValue, !text.isEmpty {
                await message.append(text)
                await onText(text)
            }
            for case .object(let call) in delta["tool_calls"]?.arrayValue ?? [] {
                let function = call["function"]?.objectValue ?? [:]
                await message.toolCall(
                    Int(call["index"]?.intValue ?? 0), id: call["id"]?.stringValue, name: function["name"]?.stringValue,
                    arguments: function["arguments"]?.stringValue)
            }
        }
        return try Self.parseMessage(await message.json)
    }

    func requestBody(_ messages: [ChatMessage], tools: [ToolSpec]) -> JSONObject {
        var body: JSONObject = [
            "model": .string(model), "temperature": .double(temperature), "max_tokens": .int(Int64(maxTokens)),
            "messages": .array(messages.map(Self.wire)),
        ]
        if !tools.isEmpty {
            body["tools"] = .array(
                tools.map { tool in
                    [
                        "type": "function",
                        "function": [
                            "name": .string(tool.name), "description": .string(tool.description),
                            "parameters": tool.parameters,
                        ],
                    ]
                })
        }
        return body
    }

    static func wire(_ message: ChatMessage) -> JSONValue {
        var object: JSONObject = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        if !message.toolCalls.isEmpty {
            object["tool_calls"] = .array(
                message.toolCalls.map { call in
                    [
                        "id": .string(call.id), "type": "function",
                        "function": [
                            "name": .string(call.name),
                            "arguments": .string(JSONWriter.string(.object(call.arguments))),
                        ],
                    ]
                })
        }
        if let id = message.toolCallID { object["tool_call_id"] = .string(id) }
        return .object(object)
    }

    static func parseMessage(_ message: JSONObject) throws -> ChatMessage {
        var calls: [ToolCall] = []
        if case .array(let items)? = message["tool_calls"] {
            for (index, item) in items.enumerated() {
                guard case .object(let call) = item, case .object(let function)? = call["function"],
                    let name = function["name"]?.stringValue
                else { throw LLMError("The language model sent a malformed tool call") }
                // Arguments arrive as a JSON text; some providers send the object itself.
                var arguments = JSONObject()
                switch function["arguments"] {
                case .string(let text)?:
                    guard case .object(let object)? = try? JSONReader.parse(text.isEmpty ? "{}" : text) else {
                        throw LLMError("The language model sent tool arguments that are not a JSON object: \(text)")
                    }
                    arguments = object
                case .object(let object)?: arguments = object
                default: break
                }
                calls.append(
                    ToolCall(id: call["id"]?.stringValue ?? "call_\(index)", name: name, arguments: arguments))
            }
        }
        return ChatMessage(.assistant, message["content"]?.stringValue ?? "", toolCalls: calls)
    }
}

/// The pieces of a streamed chat-completions message, in the shape of a whole one.
private actor StreamedMessage {
    private var content = ""
    private var calls: [Int: (id: String?, name: String, arguments: String)] = [:]

    func append(_ text: String) { content += text }

    func toolCall(_ index: Int, id: String?, name: String?, arguments: String?) {
        var call = calls[index] ?? (nil, "", "")
        if let id { call.id = id }
        if let name { call.name += name }
        if let arguments { call.arguments += arguments }
        calls[index] = call
    }

    var json: JSONObject {
        var message: JSONObject = ["role": "assistant", "content": .string(content)]
        if !calls.isEmpty {
            message["tool_calls"] = .array(
                calls.sorted { $0.key < $1.key }.map { index, call in
                    [
                        "id": .string(call.id ?? "call_\(index)"), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                    ]
                })
        }
        return message
    }
}
