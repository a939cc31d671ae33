import Discovery
import Foundation
import JSON
import LLM
import Testing

/// The chat-model judge, through the real OpenAI-compatible client against a local server.
@Suite struct LLMRelevanceTests {
    static func completion(_ content: String) -> String {
        JSONWriter.string([
            "id": "chatcmpl-1", "object": "chat.completion", "model": "m",
            "choices": [
                ["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": .string(content)]]
            ],
        ])
    }

    static let criteria = RelevanceCriteria(
        description: "Software testing tools", keywords: ["testing"], excluded: ["survey"])

    static func article(_ title: String) -> DiscoveredArticle {
        var article = DiscoveredArticle(title: title, authors: ["A. Author"], source: "test")
        article.abstract = "We study \(title.lowercased())."
        return article
    }

    @Test func theModelsVerdictIsTakenAndExcludedTopicsNeverReachIt() async throws {
        let server = ReplayServer { _, _, _ in
            .init(
                body: Self.completion(
                    "```json\n{\"relevant\": true, \"score\": 0.87, \"reason\": \"About test generation.\"}\n```"))
        }
        try await server.start()
        defer { server.stop() }
        let judge = LLMRelevance(model: OpenAICompatibleChatModel(baseURL: server.url("/v1"), model: "m", apiKey: "k"))
        let verdict = try await judge.judge(Self.article("Automated test generation"), against: Self.criteria)
        #expect(verdict.relevant && verdict.score == 0.87 && verdict.reason == "model: About test generation.")
        let ruled = try await judge.judge(Self.article("A survey of testing"), against: Self.criteria)
        #expect(!ruled.relevant && ruled.reason.contains("excluded topic 'survey'"))
        let requests = server.arrivals.withLock { $0 }
        #expect(requests.count == 1 && requests[0].path == "/v1/chat/completions")
    }

    @Test func anAnswerThatIsNotTheVerdictIsAnError() async throws {
        let server = ReplayServer { _, _, _ in .init(body: Self.completion("Yes, this looks relevant to me.")) }
        try await server.start()
        defer { server.stop() }
        let judge = LLMRelevance(model: OpenAICompatibleChatModel(baseURL: server.url("/v1"), model: "m", apiKey: nil))
        await #expect(throws: LLMError.self) { try await judge.judge(Self.article("Fuzzing"), against: Self.criteria) }
    }
}
