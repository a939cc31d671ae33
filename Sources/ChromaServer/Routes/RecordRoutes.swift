import Hummingbird
import JSON
import VectorStore

extension ChromaAPI {
    enum WriteKind { case add, upsert, update }

    func write(_ request: Request, id: String, _ kind: WriteKind) async throws -> Response {
        let batch = try RecordBatchDecoder.decode(try await body(request))
        try await store.run {
            switch kind {
            case .add: try store.add(to: id, batch)
            case .upsert: try store.upsert(to: id, batch)
            case .update: try store.update(in: id, batch)
            }
        }
        let legacy = ClientDialect(request).isLegacy
        if kind == .add { return ChromaResponse.json(legacy ? true : [:], status: .created) }
        return ChromaResponse.json(legacy ? .null : [:])
    }

    func deleteRecords(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        let (ids, filter, whereDocument, limit) = (
            try fields.stringArray("ids"), try fields.whereFilter(), try fields.whereDocument(),
            try fields.count("limit")
        )
        let deleted = try await store.run {
            try store.delete(from: id, ids: ids, where: filter, whereDocument: whereDocument, limit: limit)
        }
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : ["deleted": .int(Int64(deleted))])
    }

    func getRecords(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        let (ids, filter, whereDocument) = (
            try fields.stringArray("ids"), try fields.whereFilter(), try fields.whereDocument()
        )
        let (limit, offset, include) = (
            try fields.count("limit"), try fields.count("offset") ?? 0, try fields.include(default: .getDefault)
        )
        let dialect = ClientDialect(request)
        return try await store.run {
            let result = try store.get(
                from: id, ids: ids, where: filter, whereDocument: whereDocument, limit: limit, offset: offset,
                include: include)
            return ChromaResponse.bytes(ResultJSON.get(result, dialect))
        }
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

    func countRecords(id: String) async throws -> Response {
        try await store.run {
            ChromaResponse.json(.int(Int64(try store.count(id))))
        }
    }

    func indexingStatus(id: String) async throws -> Response {
        try await store.run {
            let count = Int64(try store.count(id))
            return ChromaResponse.json([
                "num_indexed_ops": .int(count), "num_unindexed_ops": 0, "total_ops": .int(count),
                "op_indexing_progress": 1.0,
            ])
        }
    }
}
