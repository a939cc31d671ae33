import Hummingbird
import JSON
import VectorStore

extension ChromaAPI {
    /// `POST …/collections/{id}/search`: Chroma's Search API (its cloud's, which the local
    /// `chroma run` does not serve) — `{"searches": [...]}` answered column by column, one list
    /// per search: `ids`, `documents`, `embeddings`, `metadatas`, `scores` (null when the search
    /// did not select them) and `select`.
    func addSearchRoute(to records: RouterGroup<BasicRequestContext>) {
        records.post("search") { request, context in
            let id = try parameter(context, "collection")
            let fields = try await fields(request)
            guard case .array(let items)? = fields["searches"] else {
                throw ChromaHTTPError.unprocessable("missing field `searches`")
            }
            let plans = try items.map { try SearchPlan.parse($0) }
            let results = try await store.run { try store.search(id, plans) }
            return ChromaResponse.json(Self.searchResponse(results))
        }
    }

    static func searchResponse(_ results: [SearchPayloadResult]) -> JSONValue {
        func column<T>(_ values: [T]?, _ encode: (T) -> JSONValue) -> JSONValue {
            values.map { .array($0.map(encode)) } ?? .null
        }
        return [
            "ids": .array(results.map { .array($0.ids.map { .string($0) }) }),
            "documents": .array(results.map { column($0.documents) { $0.map { .string($0) } ?? .null } }),
            "embeddings": .array(
                results.map { column($0.embeddings) { $0.map { .array($0.map { .double(Double($0)) }) } ?? .null } }),
            "metadatas": .array(results.map { column($0.metadatas) { $0?.json ?? .null } }),
            "scores": .array(results.map { column($0.scores) { $0.map { .double(Double($0)) } ?? .null } }),
            "select": .array(results.map { .array($0.select.map { .string($0) }) }),
        ]
    }
}
