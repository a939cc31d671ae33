import Foundation
import JSON
import JSONHTTP

/// A cross-encoder behind an HTTP `/rerank` endpoint in Cohere's form (`{model, query,
/// documents, top_n}` → `{results: [{index, relevance_score}]}`), which Jina, Voyage, vLLM and
/// Infinity serve too; a bare list of `{index, score}` is read as well. Retries 429/5xx; any
/// other failure is an `LLMError`.
public struct HTTPReranker: Sendable {
    public let baseURL: URL
    public let model: String?
    var client: JSONHTTPClient

    public init(baseURL: URL, model: String?, apiKey: String?, timeout: TimeInterval = 30, maxRetries: Int = 2) {
        self.baseURL = baseURL
        self.model = model
        var headers: [String: String] = [:]
        if let apiKey, !apiKey.isEmpty { headers["Authorization"] = "Bearer \(apiKey)" }
        client = JSONHTTPClient(headers: headers, timeout: timeout, maxRetries: maxRetries)
    }

    /// The reranker `THOTH_RERANK_BASE_URL` names (with `THOTH_RERANK_MODEL`,
    /// `THOTH_RERANK_API_KEY`); nil when it is unset — reranking is off by default.
    public static func configured(_ environment: [String: String]) -> HTTPReranker? {
        guard let base = environment["THOTH_RERANK_BASE_URL"], !base.isEmpty, let url = URL(string: base) else {
            return nil
        }
        return HTTPReranker(
            baseURL: url, model: environment["THOTH_RERANK_MODEL"].flatMap { $0.isEmpty ? nil : $0 },
            apiKey: environment["THOTH_RERANK_API_KEY"])
    }

    /// `documents`' indices, most relevant to `query` first, with the model's scores.
    public func rerank(_ query: String, documents: [String]) async throws -> [(index: Int, score: Double)] {
        guard !documents.isEmpty else { return [] }
        var body: JSONObject = [
            "query": .string(query), "documents": .array(documents.map { .string($0) }),
            "top_n": .int(Int64(documents.count)),
        ]
        if let model { body["model"] = .string(model) }
        let reply = try await client.modelReply(
            baseURL.appendingPathComponent("rerank"), body: .object(body), endpoint: baseURL.absoluteString,
            keyHint: "THOTH_RERANK_API_KEY")
        let items = reply.json?.objectValue?["results"]?.arrayValue ?? reply.json?.arrayValue
        guard let items else { throw LLMError("The reranker sent a malformed reply: \(reply.message)") }
        var ranked: [(index: Int, score: Double)] = []
        for case .object(let item) in items {
            guard let index = item["index"]?.intValue, (0..<Int64(documents.count)).contains(index),
                let score = (item["relevance_score"] ?? item["score"])?.doubleValue
            else { throw LLMError("The reranker sent a result without a valid index and score") }
            ranked.append((Int(index), score))
        }
        return ranked.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }
}
