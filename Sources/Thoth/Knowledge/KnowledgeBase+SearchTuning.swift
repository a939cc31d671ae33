import Foundation
import JSON

extension KnowledgeBase {
    /// How search behaves on `queries` (the first article titles when none are given) at k = 2,
    /// 4, 8 and 16 — time, the best and the last passage's similarity, how many documents the
    /// passages come from — and the k that fits `focus`: `speed` the smallest, `recall` the
    /// largest, `relevance` the largest whose last passage keeps 80 % of the best one's
    /// similarity, `balanced` 60 %. It measures and recommends; it changes no setting.
    public func tuneSearch(_ queries: [String], focus: String, perQuery: Bool) async throws -> JSONObject {
        var queries = queries.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if queries.isEmpty { queries = Array(try await articles().map(\.title).filter { !$0.isEmpty }.prefix(5)) }
        guard !queries.isEmpty else {
            throw ThothError(.notFound, "No queries given and no articles to draw them from")
        }
        for query in queries { _ = try await embedQuery(query) }  // the model's time is not the search's
        var rows: [JSONValue] = []
        var details: [JSONValue] = []
        var ratios: [(k: Int, ratio: Double)] = []
        for k in [2, 4, 8, 16] {
            var (milliseconds, best, last, documents) = (0.0, 0.0, 0.0, 0.0)
            for query in queries {
                let started = ContinuousClock.now
                let passages = try await search(query, k: k, mode: .dense)
                let elapsed = ContinuousClock.now - started
                let ms = elapsed.seconds * 1000
                milliseconds += ms
                best += passages.first?.score ?? 0
                last += passages.last?.score ?? 0
                documents += Double(Set(passages.map(\.source)).count)
                if perQuery {
                    details.append([
                        "query": .string(query), "k": .int(Int64(k)), "ms": .double((ms * 100).rounded() / 100),
                        "scores": .array(passages.map { .double(($0.score * 1000).rounded() / 1000) }),
                    ])
                }
            }
            let n = Double(queries.count)
            let round = { (value: Double) in JSONValue.double((value / n * 1000).rounded() / 1000) }
            rows.append([
                "k": .int(Int64(k)), "latency_ms": round(milliseconds), "best_score": round(best),
                "last_score": round(last), "documents": round(documents),
            ])
            ratios.append((k, best > 0 ? last / best : 0))
        }
        let keeping = { (share: Double) in ratios.last { $0.ratio >= share }?.k ?? 2 }
        let k =
            switch focus {
            case "speed": 2
            case "recall": 16
            case "relevance": keeping(0.8)
            default: keeping(0.6)
            }
        var report: JSONObject = [
            "focus": .string(focus), "queries": .array(queries.map { .string($0) }), "by_k": .array(rows),
            "recommended": ["THOTH_RAG_DEFAULT_K": .int(Int64(k))],
            "current": [
                "THOTH_RAG_DEFAULT_K": .int(Int64(settings.defaultK)),
                "THOTH_RAG_MIN_SIMILARITY": .double(settings.minSimilarity),
            ],
        ]
        if perQuery { report["per_query"] = .array(details) }
        return report
    }
}
