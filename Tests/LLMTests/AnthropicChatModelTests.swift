import Foundation
import Hummingbird
import JSON
import NIOCore
import Synchronization
import Testing

@testable import LLM

/// The Messages API client against a local server answering as Anthropic did in a recorded agent
/// loop (Tests/Fixtures/anthropic), and as it documents its 429 and 529 answers.
@Suite struct AnthropicChatModelTests {
    struct Answer: Sendable {
        var status = 200
        var body: String
        var retryAfter: String?
    }

    /// A loopback server answering `POST /v1/messages` from a script, keeping what arrived.
    final class MessagesServer: Sendable {
        let script: Mutex<[Answer]>
        let arrived = Mutex<[(body: JSONValue, apiKey: String?, version: String?)]>([])
        let loopback = LoopbackServer()

        init(_ script: [Answer]) { self.script = Mutex(script) }

        var url: URL { URL(string: "http://127.0.0.1:\(loopback.port)")! }

        func start() async throws {
            let router = Router()
            router.post("/v1/messages") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let header = { (name: String) in HTTPFields.Element.Name(name).flatMap { request.headers[$0] } }
                self.arrived.withLock {
                    $0.append(
                        (
                            (try? JSONReader.parse(body.readableBytesView)) ?? .null, header("x-api-key"),
                            header("anthropic-version")
                        ))
                }
                let answer = self.script.withLock { $0.isEmpty ? Answer(status: 500, body: "{}") : $0.removeFirst() }
                var headers: HTTPFields = [.contentType: "application/json"]
                if let retryAfter = answer.retryAfter { headers[.retryAfter] = retryAfter }
                return Response(
                    status: .init(code: answer.status), headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
            }
            await loopback.start(router)
        }

        func stop() { loopback.stop() }
    }

    static let recorded: [JSONObject] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/anthropic/agent_loop.json")
        return (try? JSONReader.parse(Array(Data(contentsOf: url))))?.arrayValue?.compactMap(\.objectValue) ?? []
    }()

    static let weather = ToolSpec(
        name: "get_weather", description: "Get the weather for a location.",
        parameters: [
            "properties": ["location": ["type": "string"]], "required": ["location"], "type": "object",
        ])

    @Test func aRecordedToolLoopRoundTrips() async throws {
        let exchange = Self.recorded
        try #require(exchange.count == 2)
        let server = MessagesServer(exchange.map { Answer(body: $0["body"]!.stringValue!) })
        try await server.start()
        defer { server.stop() }
        let model = AnthropicChatModel(
            baseURL: server.url, model: "claude-haiku-4-5-20251001", apiKey: "sk-test", maxTokens: 64000)
        var conversation = [
            ChatMessage(.system, "You answer briefly."),
            ChatMessage(.user, "What is the weather in San Francisco, CA?"),
        ]
        let asked = try await model.complete(conversation, tools: [Self.weather])
        #expect(asked.content.isEmpty && asked.toolCalls.count == 1)
        #expect(asked.toolCalls.first?.id == "toolu_01UErjDztewZZ6VWE7B7HyZY")
        #expect(asked.toolCalls.first?.arguments == ["location": "San Francisco, CA"])
        conversation += [asked, ChatMessage(.tool, "It's sunny.", toolCallID: asked.toolCalls[0].id)]
        let answered = try await model.complete(conversation, tools: [Self.weather])
        #expect(answered.toolCalls.isEmpty && answered.content.hasPrefix("The weather in San Francisco, CA is"))

        // What went out is what the real client sent (its own extra fields aside), plus ours.
        let sent = server.arrived.withLock { $0 }
        #expect(sent.allSatisfy { $0.apiKey == "sk-test" && $0.version == AnthropicChatModel.version })
        for (ours, theirs) in zip(
            sent.compactMap(\.body.objectValue), exchange.compactMap { $0["request_body"]?.objectValue })
        {
            #expect(ours["model"] == theirs["model"] && ours["max_tokens"] == theirs["max_tokens"])
            #expect(ours["tools"].map(Self.sorted) == theirs["tools"].map(Self.sorted))
            #expect(ours["system"] == "You answer briefly.")
        }
        let second = try #require(sent.last?.body.objectValue?["messages"]?.arrayValue)
        let roles = second.map { $0.objectValue?["role"]?.stringValue }
        #expect(roles == ["user", "assistant", "user"])
        #expect(second[1].objectValue?["content"]?.arrayValue?.first?.objectValue?["type"] == "tool_use")
        #expect(
            second[2].objectValue?["content"]
                == [["type": "tool_result", "tool_use_id": "toolu_01UErjDztewZZ6VWE7B7HyZY", "content": "It's sunny."]])
    }

    @Test func overloadAndRateLimitsAreWaitedOutThenReported() async throws {
        let overloaded = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        let limited = #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests exceeded"}}"#
        let text = Self.recorded.last?["body"]?.stringValue ?? ""
        let server = MessagesServer([
            Answer(status: 529, body: overloaded, retryAfter: "0"), Answer(status: 429, body: limited, retryAfter: "0"),
            Answer(body: text),
        ])
        try await server.start()
        defer { server.stop() }
        let model = AnthropicChatModel(baseURL: server.url, model: "m", apiKey: "k", maxRetries: 3)
        let answer = try await model.complete([ChatMessage(.user, "Weather?")], tools: [])
        #expect(answer.content.hasPrefix("The weather") && server.arrived.withLock { $0.count } == 3)

        let failing = MessagesServer(Array(repeating: Answer(status: 529, body: overloaded, retryAfter: "0"), count: 4))
        try await failing.start()
        defer { failing.stop() }
        let error = await #expect(throws: LLMError.self) {
            try await AnthropicChatModel(baseURL: failing.url, model: "m", apiKey: "k", maxRetries: 3)
                .complete([ChatMessage(.user, "x")], tools: [])
        }
        #expect(error?.status == 529 && error?.message.contains("Overloaded") == true)
    }

    @Test func turnsAlternateAndToolResultsShareOneUserTurn() {
        let calls = [ToolCall(id: "a", name: "f", arguments: [:]), ToolCall(id: "b", name: "g", arguments: ["x": 1])]
        let turns = AnthropicChatModel.turns([
            ChatMessage(.system, "ignored here"), ChatMessage(.user, "one"), ChatMessage(.user, "two"),
            ChatMessage(.assistant, "calling", toolCalls: calls), ChatMessage(.tool, "ra", toolCallID: "a"),
            ChatMessage(.tool, "rb", toolCallID: "b"), ChatMessage(.user, "and?"),
        ])
        let objects = turns.compactMap(\.objectValue)
        #expect(objects.map { $0["role"]?.stringValue } == ["user", "assistant", "user"])
        #expect(objects[0]["content"]?.arrayValue?.count == 2 && objects[1]["content"]?.arrayValue?.count == 3)
        #expect(
            objects[2]["content"]?.arrayValue?.map { $0.objectValue?["type"]?.stringValue }
                == ["tool_result", "tool_result", "text"])
    }

    /// An Anthropic key picks Anthropic, with OpenRouter's key too only for a `claude` model.
    @Test func theAnthropicKeyChoosesTheMessagesAPI() throws {
        let alone = ChatModelSelection.make(environment: ["API_ANTHROPIC_KEY": "k"])
        #expect((alone as? AnthropicChatModel)?.model == "claude-haiku-4-5")
        #expect(alone?.endpoint == "https://api.anthropic.com")
        let both = ["API_ANTHROPIC_KEY": "k", "API_OPENROUTER_KEY": "o"]
        let claude = ChatModelSelection.make(
            environment: both.merging(["LLM_MODEL": "anthropic/claude-sonnet-4-5"]) { $1 })
        #expect((claude as? AnthropicChatModel)?.model == "claude-sonnet-4-5")
        let other = ChatModelSelection.make(environment: both.merging(["LLM_MODEL": "openai/gpt-4o-mini"]) { $1 })
        #expect(other is OpenAICompatibleChatModel && other?.model == "openai/gpt-4o-mini")
        let local = ChatModelSelection.make(
            environment: ["API_ANTHROPIC_KEY": "k", "THOTH_LLM_BASE_URL": "http://127.0.0.1:1/v1"])
        #expect(local is OpenAICompatibleChatModel)
    }

    /// The value with every object's members in key order (JSONObject equality keeps order).
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) }))
        case .array(let items): return .array(items.map(sorted))
        default: return value
        }
    }
}
