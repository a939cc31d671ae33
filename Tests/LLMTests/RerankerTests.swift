import Foundation
import Hummingbird
import JSON
import NIOCore
import Synchronization
import Testing

@testable import LLM

/// The `/rerank` client against a loopback server answering with the example of Cohere's API
/// reference (`POST /v1/rerank`; documented, not recorded — no client ships a recording), and
/// with a text-embeddings-inference-style bare list.
@Suite struct RerankerTests {
    static let cohereExample = """
        {"id":"07734bd2-2473-4f07-94e1-0d9f0e6843cf","results":[{"index":3,"relevance_score":0.999071},\
        {"index":4,"relevance_score":0.7867867},{"index":0,"relevance_score":0.32713068}],\
        "meta":{"api_version":{"version":"2"},"billed_units":{"search_units":1}}}
        """
    static let documents = [
        "Carson City is the capital city of the American state of Nevada.",
        "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.",
        "Capitalization or capitalisation in English grammar is the use of a capital letter at the start of a word.",
        "Washington, D.C. (also known as simply Washington or D.C.) is the capital of the United States.",
        "Capital punishment has existed in the United States since beforethe United States was a country.",
    ]

    final class RerankServer: Sendable {
        let answers: Mutex<[(Int, String)]>
        let arrived = Mutex<[JSONValue]>([])
        let loopback = LoopbackServer()
        init(_ answers: [(Int, String)]) { self.answers = Mutex(answers) }
        var url: URL { URL(string: "http://127.0.0.1:\(loopback.port)/v1")! }

        func start() async throws {
            let router = Router()
            router.post("/v1/rerank") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.arrived.withLock { $0.append((try? JSONReader.parse(body.readableBytesView)) ?? .null) }
                let (status, text) = self.answers.withLock { $0.isEmpty ? (500, "{}") : $0.removeFirst() }
                return Response(
                    status: .init(code: status), headers: [.contentType: "application/json", .retryAfter: "0"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
            await loopback.start(router)
        }

        func stop() { loopback.stop() }
    }

    @Test func cohereShapedAnswersOrderTheDocuments() async throws {
        let server = RerankServer([
            (429, #"{"message":"slow down"}"#), (200, Self.cohereExample),
            (200, #"[{"index":1,"score":0.9},{"index":0,"score":0.1}]"#),
        ])
        try await server.start()
        defer { server.stop() }
        let reranker = HTTPReranker(baseURL: server.url, model: "rerank-v3.5", apiKey: "key")
        let ranked = try await reranker.rerank("What is the capital of the United States?", documents: Self.documents)
        #expect(ranked.map(\.index) == [3, 4, 0] && ranked[0].score == 0.999071)
        let sent = try #require(server.arrived.withLock { $0.last?.objectValue })
        #expect(sent["model"] == "rerank-v3.5" && sent["top_n"] == 5 && sent["documents"]?.arrayValue?.count == 5)
        let bare = try await reranker.rerank("q", documents: ["a", "b"])
        #expect(bare.map(\.index) == [1, 0])
    }

    @Test func brokenAnswersAreClearErrors() async throws {
        let server = RerankServer([
            (401, #"{"message":"invalid api token"}"#), (200, #"{"results":[{"index":9,"relevance_score":1}]}"#),
            (200, "not json"),
        ])
        try await server.start()
        defer { server.stop() }
        let reranker = HTTPReranker(baseURL: server.url, model: nil, apiKey: nil, maxRetries: 0)
        let refused = await #expect(throws: LLMError.self) { try await reranker.rerank("q", documents: ["a"]) }
        #expect(refused?.status == 401 && refused?.message.contains("THOTH_RERANK_API_KEY") == true)
        await #expect(throws: LLMError.self) { try await reranker.rerank("q", documents: ["a"]) }
        await #expect(throws: LLMError.self) { try await reranker.rerank("q", documents: ["a"]) }
        #expect(HTTPReranker.configured([:]) == nil)
        #expect(HTTPReranker.configured(["THOTH_RERANK_BASE_URL": "http://127.0.0.1:9"])?.model == nil)
    }
}
