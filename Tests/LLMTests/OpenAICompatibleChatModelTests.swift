import Foundation
import JSON
import LLM
import Testing

/// The chat-completions client against a scripted server over real HTTP.
@Suite struct OpenAICompatibleChatModelTests {
    func withServer(
        _ script: [FakeChatCompletionsServer.Answer], timeout: TimeInterval = 10,
        _ body: (OpenAICompatibleChatModel, FakeChatCompletionsServer) async throws -> Void
    ) async throws {
        let server = FakeChatCompletionsServer(script: script)
        try await server.start()
        defer { server.stop() }
        let model = OpenAICompatibleChatModel(
            baseURL: server.baseURL, model: "fake-model", apiKey: "sk-test", timeout: timeout, maxRetries: 2)
        try await body(model, server)
    }

    @Test func plainReplyComesBackAsTheAssistantMessage() async throws {
        try await withServer([.reply("Exact search has recall one.")]) { model, server in
            let reply = try await model.complete([ChatMessage(.user, "Why exact?")], tools: [])
            #expect(reply.content == "Exact search has recall one.")
            #expect(reply.toolCalls.isEmpty)
            let request = try #require(server.received.withLock { $0.first }?.objectValue)
            #expect(request["model"] == "fake-model")
            #expect(request["messages"] == [["role": "user", "content": "Why exact?"]])
            #expect(request["tools"] == nil)
        }
    }

    @Test func toolCallsAreDecodedWithTheirArguments() async throws {
        try await withServer([.toolCall(name: "search_articles", arguments: #"{"query":"hnsw","limit":3}"#)]) {
            model, server in
            let tool = ToolSpec(
                name: "search_articles", description: "Search", parameters: ["type": "object", "properties": [:]])
            let reply = try await model.complete([ChatMessage(.user, "find hnsw")], tools: [tool])
            #expect(
                reply.toolCalls == [
                    ToolCall(id: "call_1", name: "search_articles", arguments: ["query": "hnsw", "limit": 3])
                ])
            let request = try #require(server.received.withLock { $0.first }?.objectValue)
            guard case .array(let tools)? = request["tools"] else { Issue.record("no tools sent"); return }
            #expect(tools.first?.objectValue?["function"]?.objectValue?["name"] == "search_articles")
        }
    }

    @Test func rateLimitIsRetriedAfterRetryAfter() async throws {
        try await withServer([.status(429, retryAfter: "0"), .reply("second try")]) { model, server in
            let reply = try await model.complete([ChatMessage(.user, "hello")], tools: [])
            #expect(reply.content == "second try")
            #expect(server.received.withLock { $0.count } == 2)
        }
    }

    @Test func persistentServerErrorIsAnLLMErrorWithItsStatus() async throws {
        try await withServer([
            .status(500, retryAfter: "0"), .status(500, retryAfter: "0"), .status(500, retryAfter: "0"),
        ]) { model, _ in
            await #expect(throws: LLMError("The language model answered HTTP 500: scripted failure", status: 500)) {
                try await model.complete([ChatMessage(.user, "hello")], tools: [])
            }
        }
    }

    @Test func slowProviderTimesOutWithAClearError() async throws {
        try await withServer([.stall(seconds: 5)], timeout: 1) { model, _ in
            do {
                _ = try await model.complete([ChatMessage(.user, "hello")], tools: [])
                Issue.record("expected a timeout")
            } catch let error as LLMError {
                #expect(error.message.contains("timed out"))
            }
        }
    }

    @Test func rejectedKeyNamesTheCause() async throws {
        try await withServer([.status(401, retryAfter: nil)]) { model, _ in
            do {
                _ = try await model.complete([ChatMessage(.user, "hello")], tools: [])
                Issue.record("expected an error")
            } catch let error as LLMError {
                #expect(error.status == 401)
                #expect(error.message.contains("check the API key"))
            }
        }
    }
}
