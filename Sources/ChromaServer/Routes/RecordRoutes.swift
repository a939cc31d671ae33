import Hummingbird
import JSON
import VectorStore

extension ChromaAPI {
    enum WriteKind { case add, upsert, update }

    func write(_ request: Request, id: String, _ kind: WriteKind) async throws -> Response {
        let batch = try RecordBatchDecoder.decode(try await body(request))
        switch kind {
        case .add: try store.add(to: id, batch)
        case .upsert: try store.upsert(to: id, batch)
        case .update: try store.update(in: id, batch)
        }
        let legacy = ClientDialect(request).isLegacy
        if kind == .add { return ChromaResponse.json(legacy ? true : [:], status: .created) }
        return ChromaResponse.json(legacy ? .null : [:])
    }

    func deleteRecords(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        let deleted = try store.delete(
            from: id, ids: try fields.stringArray("ids"), where: try fields.whereFilter(),
            whereDocument: try fields.whereDocument(), limit: try fields.count("limit"))
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : ["deleted": .int(Int64(deleted))])
    }

    func getRecords(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        let result = try store.get(
            from: id, ids: try fields.stringArray("ids"), where: try fields.whereFilter(),
            whereDocument: try fields.whereDocument(), limit: try fields.count("limit"),
            offset: try fields.count("offset") ?? 0, include: try fields.include(default: .getDefault))
        return ChromaResponse.bytes(ResultJSON.get(result, ClientDialect(request)))
    }

    func queryRecords(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        guard let embeddings = try fields.floatVectors("query_embeddings") else {
            throw ChromaHTTPError.unprocessable("missing field `query_embeddings`")
        }
        let result = try await store.query(
            id, embeddings: embeddings, nResults: try fields.count("n_results") ?? 10,
            where: try fields.whereFilter(), whereDocument: try fields.whereDocument(),
            ids: try fields.stringArray("ids"), include: try fields.include(default: .queryDefault))
        return ChromaResponse.bytes(ResultJSON.query(result, ClientDialect(request)))
    }

    func countRecords(id: String) throws -> Response {
        ChromaResponse.json(.int(Int64(try store.count(id))))
    }

    func indexingStatus(id: String) throws -> Response {
        let count = Int64(try store.count(id))
        return ChromaResponse.json([
            "num_indexed_ops": .int(count), "num_unindexed_ops": 0, "total_ops": .int(count),
            "op_indexing_progress": 1.0,
        ])
    }
}
