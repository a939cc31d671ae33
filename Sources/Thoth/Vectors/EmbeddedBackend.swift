import JSON
import VectorStore

/// The in-process store: calls go straight to `VectorStore`, no HTTP, on the store's own threads.
public struct EmbeddedBackend: VectorBackend {
    public let store: VectorStore

    public init(store: VectorStore) { self.store = store }

    public var description: String { "embedded (\(store.databaseFile))" }

    public func collection(named name: String) async throws -> VectorCollection {
        let info = try await store.run {
            try store.createCollection(name: name, metadata: ["hnsw:space": .string("cosine")], getOrCreate: true)
        }
        return Self.handle(info)
    }

    public func existingCollection(named name: String) async throws -> VectorCollection? {
        do {
            return Self.handle(try await store.run { try store.collection(named: name) })
        } catch VectorStoreError.notFound {
            return nil
        }
    }

    public func deleteCollection(named name: String) async throws {
        do {
            try await store.run { try store.deleteCollection(named: name) }
        } catch VectorStoreError.notFound {}
    }

    public func upsert(
        _ collection: VectorCollection, ids: [String], embeddings: [[Float]], documents: [String],
        metadatas: [JSONObject]
    ) async throws {
        let patches = try metadatas.map { object -> MetadataPatch? in
            guard let metadata = Metadata(json: .object(object)) else {
                let key = object.first { MetadataValue(json: $0.value) == nil }?.key ?? ""
                throw VectorStoreError.invalidArgument("Metadata value of \(key) is not a string, number or bool")
            }
            return metadata.mapValues { .some($0) }
        }
        let batch = RecordBatch(ids: ids, embeddings: embeddings, documents: documents, uris: nil, metadatas: patches)
        try await store.run { try store.upsert(to: collection.id, batch) }
    }

    public func delete(_ collection: VectorCollection, ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await store.run { try store.delete(from: collection.id, ids: ids) }
    }

    public func query(_ collection: VectorCollection, embedding: [Float], k: Int, where filter: JSONObject?)
        async throws -> [VectorHit]
    {
        let condition = try filter.flatMap { try Where.parse(.object($0)) }
        let result = try await store.query(
            collection.id, embeddings: [embedding], nResults: k, where: condition,
            include: [.documents, .metadatas, .distances])
        guard let rows = result.results.first else { return [] }
        return rows.ids.indices.map { row in
            VectorHit(
                id: rows.ids[row], document: rows.documents?[row] ?? "",
                metadata: Self.json(rows.metadatas?[row]), distance: result.distances?[0][row] ?? 0)
        }
    }

    public func metadatas(_ collection: VectorCollection) async throws -> [(id: String, metadata: JSONObject)] {
        let rows = try await store.run { try store.get(from: collection.id, include: [.metadatas]) }
        return rows.ids.indices.map { (rows.ids[$0], Self.json(rows.metadatas?[$0])) }
    }

    public func records(_ collection: VectorCollection, where filter: JSONObject?) async throws -> [VectorHit] {
        let condition = try filter.flatMap { try Where.parse(.object($0)) }
        let rows = try await store.run {
            try store.get(from: collection.id, where: condition, include: [.documents, .metadatas])
        }
        return rows.ids.indices.map {
            VectorHit(
                id: rows.ids[$0], document: rows.documents?[$0] ?? "", metadata: Self.json(rows.metadatas?[$0]),
                distance: 0)
        }
    }

    public func collectionNames() async throws -> [String] {
        try await store.run { try store.collections().map(\.name) }
    }

    public func count(_ collection: VectorCollection) async throws -> Int {
        try await store.run { try store.count(collection.id) }
    }

    public var searchesWords: Bool { true }

    public func search(_ collection: VectorCollection, _ plan: SearchPlan) async throws -> SearchPayloadResult {
        try await store.run { try store.search(collection.id, [plan])[0] }
    }

    public func heartbeat() async throws {
        _ = try await store.run { try store.collectionCount() }
    }

    static func handle(_ info: CollectionInfo) -> VectorCollection {
        VectorCollection(id: info.id, name: info.name, space: info.space.rawValue)
    }

    static func json(_ metadata: Metadata?) -> JSONObject {
        metadata?.json.objectValue ?? [:]
    }
}
