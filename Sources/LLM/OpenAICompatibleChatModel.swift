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
            baseURL.appendingPathComponent("chat/completions"), body: requestBody(messages, tools: tools),
            endpoint: endpoint, keyHint: "the API key")
        guard case .object(let body)? = reply.json, case .array(let choices)? = body["choices"],
            case .object(let choice)? = choices.first, case .object(let message)? = choice["message"]
        else { throw LLMError("The language model sent a malformed reply: \(reply.message)") }
        return try Self.parseMessage(message)
    }

    func requestBody(_ messages: [ChatMessage], tools: [ToolSpec]) -> JSONValue {
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
        return .object(body)
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
