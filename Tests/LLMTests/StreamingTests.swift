import Foundation
import Hummingbird
import JSON
import NIOCore
import Synchronization
import Testing

@testable import JSONHTTP
@testable import LLM

/// Streamed answers, replayed from real recordings (Tests/Fixtures/openai, Tests/Fixtures/anthropic)
/// by a loopback server that sends each recorded body in small pieces with pauses between them,
/// as a provider does: the text must reach the listener while the answer is still arriving.
@Suite struct StreamingTests {
    /// A recorded exchange: what the real client sent, what the server answered.
    struct Recording: Sendable {
        var requestBody: JSONObject
        var body: String

        static func load(_ file: String) -> [Recording] {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Fixtures/\(file)")
            guard let json = try? JSONReader.parse(Array(Data(contentsOf: url))) else { return [] }
            let items = json.arrayValue ?? [json]
            return items.compactMap(\.objectValue).map {
                Recording(requestBody: $0["request_body"]?.objectValue ?? [:], body: $0["body"]?.stringValue ?? "")
            }
        }
    }

    /// Answers each POST with the next scripted body, `piece` bytes at a time, `pause` apart.
    final class DrippingServer: Sendable {
        let script: Mutex<[(status: Int, body: String)]>
        let arrived = Mutex<[JSONValue]>([])
        let loopback = LoopbackServer()
        let piece: Int
        let pause: Duration

        init(_ script: [(status: Int, body: String)], piece: Int = 97, pause: Duration = .milliseconds(2)) {
            self.script = Mutex(script)
            self.piece = piece
            self.pause = pause
        }

        var url: URL { URL(string: "http://127.0.0.1:\(loopback.port)")! }

        func start(path: String) async throws {
            let router = Router()
            router.post(RouterPath(path)) { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.arrived.withLock { $0.append((try? JSONReader.parse(body.readableBytesView)) ?? .null) }
                let answer = self.script.withLock { $0.isEmpty ? (status: 500, body: "{}") : $0.removeFirst() }
                let bytes = Array(answer.body.utf8)
                let (piece, pause) = (self.piece, self.pause)
                let type = answer.status == 200 ? "text/event-stream" : "application/json"
                return Response(
                    status: .init(code: answer.status), headers: [.contentType: type, .retryAfter: "0"],
                    body: ResponseBody { writer in
                        for start in stride(from: 0, to: bytes.count, by: piece) {
                            try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + piece, bytes.count)]))
                            try await Task.sleep(for: pause)
                        }
                        try await writer.finish(nil)
                    })
            }
            await loopback.start(router)
        }

        func stop() { loopback.stop() }
    }

    /// What the listener heard, and when, against when the whole answer was back.
    final class Listener: Sendable {
        let pieces = Mutex<[(text: String, at: ContinuousClock.Instant)]>([])
        func hear(_ text: String) { pieces.withLock { $0.append((text, .now)) } }
        var text: String { pieces.withLock { $0.map(\.text).joined() } }
        var first: ContinuousClock.Instant? { pieces.withLock { $0.first?.at } }
        var count: Int { pieces.withLock { $0.count } }
    }

    /// The recorded text, put together the way the recording's own events say.
    static func recordedText(_ body: String) -> String {
        var parser = EventStreamParser()
        return parser.feed(Data(body.utf8)).compactMap { event -> String? in
            guard let chunk = try? JSONReader.parse(event.data).objectValue else { return nil }
            return chunk["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue?["content"]?.stringValue
        }.joined()
    }

    @Test func aRecordedOpenAITextStreamArrivesPieceByPiece() async throws {
        let recording = try #require(Recording.load("openai/story_stream.json").first)
        let server = DrippingServer([(200, recording.body)], piece: 1024)
        try await server.start(path: "/v1/chat/completions")
        defer { server.stop() }
        let model = OpenAICompatibleChatModel(
            baseURL: server.url.appendingPathComponent("v1"), model: "gpt-4o-mini", apiKey: "sk-test")
        let listener = Listener()
        let reply = try await model.stream([ChatMessage(.user, "Write a story about a cat.")], tools: []) {
            listener.hear($0)
        }
        let done = ContinuousClock.now
        let expected = Self.recordedText(recording.body)
        #expect(expected.hasPrefix("In a") && expected.count > 3000)
        #expect(reply.content == expected && listener.text == expected && reply.toolCalls.isEmpty)
        // 877 tokens came as hundreds of pieces, the first long before the last.
        #expect(listener.count > 500)
        #expect(try #require(listener.first) < done - .milliseconds(100))
        let sent = try #require(server.arrived.withLock { $0.first?.objectValue })
        #expect(sent["stream"] == true && sent["model"] == recording.requestBody["model"])
        #expect(sent["messages"] == [["role": "user", "content": "Write a story about a cat."]])
    }

    @Test func aRecordedOpenAIToolCallIsPutTogetherFromItsFragments() async throws {
        let recording = try #require(Recording.load("openai/tool_call_stream.json").first)
        let server = DrippingServer([(200, recording.body)], piece: 61)
        try await server.start(path: "/v1/chat/completions")
        defer { server.stop() }
        let model = OpenAICompatibleChatModel(
            baseURL: server.url.appendingPathComponent("v1"), model: "gpt-4o-mini", apiKey: nil)
        let listener = Listener()
        let person = ToolSpec(
            name: "_Person", description: "A person.",
            parameters: ["type": "object", "properties": ["name": ["type": "string"], "age": ["type": "integer"]]])
        let reply = try await model.stream([ChatMessage(.user, "Extract: Erick is 27 years old.")], tools: [person]) {
            listener.hear($0)
        }
        #expect(listener.count == 0 && reply.content.isEmpty)
        let call = try #require(reply.toolCalls.first)
        #expect(reply.toolCalls.count == 1 && call.id == "call_9MmhpM34dYIcHt0SHUXsgZgN" && call.name == "_Person")
        #expect(call.arguments == ["name": "Erick", "age": 27])
    }

    @Test func aRecordedAnthropicToolLoopStreams() async throws {
        let exchange = Recording.load("anthropic/agent_loop_streaming.json")
        try #require(exchange.count == 2)
        let server = DrippingServer(exchange.map { (200, $0.body) }, piece: 40)
        try await server.start(path: "/v1/messages")
        defer { server.stop() }
        let model = AnthropicChatModel(
            baseURL: server.url, model: "claude-haiku-4-5-20251001", apiKey: "sk-test", maxTokens: 64000)
        let weather = ToolSpec(
            name: "get_weather", description: "Get the weather for a location.",
            parameters: [
                "properties": ["location": ["type": "string"]], "required": ["location"], "type": "object",
            ])
        let listener = Listener()
        var conversation = [ChatMessage(.user, "What is the weather in San Francisco, CA?")]
        let asked = try await model.stream(conversation, tools: [weather]) { listener.hear($0) }
        #expect(asked.content.isEmpty && listener.count == 0)
        #expect(asked.toolCalls.map(\.id) == ["toolu_01DoxA6XXQEf12XZeM869dvZ"])
        #expect(asked.toolCalls.first?.arguments == ["location": "San Francisco, CA"])
        conversation += [asked, ChatMessage(.tool, "It's sunny.", toolCallID: asked.toolCalls[0].id)]
        let answered = try await model.stream(conversation, tools: [weather]) { listener.hear($0) }
        #expect(answered.content == "The weather in San Francisco, CA is sunny.")
        #expect(listener.pieces.withLock { $0.map(\.text) } == ["The weather in San Francisco, CA is", " sunny."])
        let sent = server.arrived.withLock { $0 }.compactMap(\.objectValue)
        #expect(
            sent.count == 2
                && sent.allSatisfy { $0["stream"] == true && $0["model"] == exchange[0].requestBody["model"] })
        let result = sent.last?["messages"]?.arrayValue?.last?.objectValue?["content"]?.arrayValue?.first?.objectValue
        #expect(result?["tool_use_id"] == "toolu_01DoxA6XXQEf12XZeM869dvZ")
    }

    @Test func refusalsAndBrokenStreamsAreClearErrors() async throws {
        let server = DrippingServer([
            (429, #"{"error":{"message":"slow down"}}"#), (401, #"{"error":{"message":"bad key"}}"#),
            (200, "data: {\"choices\":[{\"delta\":{\"content\":\"Hal\"}}]}\n\ndata: {not json\n\n"),
            (200, "data: {\"error\":{\"message\":\"overloaded mid-answer\"}}\n\n"),
        ])
        try await server.start(path: "/v1/chat/completions")
        defer { server.stop() }
        let model = OpenAICompatibleChatModel(
            baseURL: server.url.appendingPathComponent("v1"), model: "m", apiKey: "k", maxRetries: 1)
        let refused = await #expect(throws: LLMError.self) {
            try await model.stream([ChatMessage(.user, "x")], tools: []) { _ in }
        }
        #expect(refused?.status == 401 && refused?.message.contains("bad key") == true)
        #expect(server.arrived.withLock { $0.count } == 2)  // the 429 was waited out once
        let broken = await #expect(throws: LLMError.self) {
            try await model.stream([ChatMessage(.user, "x")], tools: []) { _ in }
        }
        #expect(broken?.message.contains("malformed") == true)
        let failed = await #expect(throws: LLMError.self) {
            try await model.stream([ChatMessage(.user, "x")], tools: []) { _ in }
        }
        #expect(failed?.message.contains("overloaded mid-answer") == true)
        let unreachable = OpenAICompatibleChatModel(
            baseURL: URL(string: "http://127.0.0.1:9/v1")!, model: "m", apiKey: nil, maxRetries: 0)
        let error = await #expect(throws: LLMError.self) {
            try await unreachable.stream([ChatMessage(.user, "x")], tools: []) { _ in }
        }
        #expect(error?.message.contains("could not be reached") == true)
    }

    @Test func theParserFollowsTheEventStreamRules() {
        var parser = EventStreamParser()
        var events = parser.feed(Data("event: a\r\ndata: one\r\n".utf8))
        events += parser.feed(Data("data: two\r\n\r\n: a comment\n\nid: 7\ndata:three".utf8))
        events += parser.finish()
        #expect(events == [ServerSentEvent(event: "a", data: "one\ntwo"), ServerSentEvent(data: "three")])
        // A multi-byte character split across two reads is not broken.
        var split = EventStreamParser()
        let bytes = Array("data: café\n\n".utf8)
        let halves = split.feed(Data(bytes[..<10])) + split.feed(Data(bytes[10...]))
        #expect(halves == [ServerSentEvent(data: "café")])
    }
}
