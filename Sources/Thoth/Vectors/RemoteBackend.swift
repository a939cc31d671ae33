import ChromaClient
import Foundation
import JSON
import VectorStore

/// A Chroma server elsewhere (`CHROMADB_URL`): how a deployment outgrows one machine.
public struct RemoteBackend: VectorBackend {
    public let client: ChromaClient

    public init(client: ChromaClient) { self.client = client }

    public var description: String { "remote (\(client.baseURL.absoluteString))" }

    public func collection(named name: String) async throws -> VectorCollection {
        Self.handle(try await client.getOrCreateCollection(name, metadata: ["hnsw:space": "cosine"]))
    }

    public func existingCollection(named name: String) async throws -> VectorCollection? {
        try await client.collection(named: name).map(Self.handle)
    }

    public func deleteCollection(named name: String) async throws {
        guard try await client.collection(named: name) != nil else { return }
        try await client.deleteCollection(named: name)
    }

    public func upsert(
        _ collection: VectorCollection, ids: [String], embeddings: [[Float]], documents: [String],
        metadatas: [JSONObject]
    ) async throws {
        // Well under any server's max_batch_size, and bodies of a few MB.
        let batch = 256
        for start in stride(from: 0, to: ids.count, by: batch) {
            let range = start..<min(start + batch, ids.count)
            try await client.upsert(
                collectionID: collection.id, ids: Array(ids[range]), embeddings: Array(embeddings[range]),
                documents: Array(documents[range]), metadatas: Array(metadatas[range]))
        }
    }

    public func delete(_ collection: VectorCollection, ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await client.delete(collectionID: collection.id, ids: ids)
    }

    public func query(_ collection: VectorCollection, embedding: [Float], k: Int, where filter: JSONObject?)
        async throws -> [VectorHit]
    {
        let rows = try await client.query(collectionID: collection.id, embedding: embedding, nResults: k, where: filter)
        return rows.ids.indices.map {
            VectorHit(
                id: rows.ids[$0], document: rows.documents[$0] ?? "", metadata: rows.metadatas[$0] ?? [:],
                distance: rows.distances[$0])
        }
    }

    public func metadatas(_ collection: VectorCollection) async throws -> [(id: String, metadata: JSONObject)] {
        try await client.metadatas(collectionID: collection.id)
    }

    public func records(_ collection: VectorCollection, where filter: JSONObject?) async throws -> [VectorHit] {
        let rows = try await client.get(collectionID: collection.id, where: filter)
        return rows.ids.indices.map {
            VectorHit(
                id: rows.ids[$0], document: rows.documents[$0] ?? "", metadata: rows.metadatas[$0] ?? [:], distance: 0)
        }
    }

    public func collectionNames() async throws -> [String] {
        try await client.collectionNames()
    }

    public func count(_ collection: VectorCollection) async throws -> Int {
        try await client.count(collectionID: collection.id)
    }

    public var searchesWords: Bool { false }

    public func search(_ collection: VectorCollection, _ plan: SearchPlan) async throws -> SearchPayloadResult {
        throw ThothError(
            .unavailable,
            "Words and hybrid search need the embedded store; a remote Chroma (CHROMADB_URL) searches by meaning")
    }

    public func heartbeat() async throws {
        _ = try await client.heartbeat()
    }

    static func handle(_ collection: ChromaClient.Collection) -> VectorCollection {
        VectorCollection(id: collection.id, name: collection.name, space: collection.space)
    }
}
