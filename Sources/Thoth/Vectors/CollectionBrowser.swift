import JSON
import VectorStore

/// The vector store as a person browses it (the web console's Collections page): every
/// collection with its size and settings, a page of records, the records nearest a text or
/// another record, deletion. The embedded store shows every tenant and database; a remote
/// Chroma shows what the backend reaches (its default database).
public struct CollectionBrowser: Sendable {
    let store: VectorStore?
    let backend: any VectorBackend
    let knowledge: KnowledgeBase

    public init(store: VectorStore?, backend: any VectorBackend, knowledge: KnowledgeBase) {
        self.store = store
        self.backend = backend
        self.knowledge = knowledge
    }

    /// `{id, name, tenant, database, count, dimension, space, configuration, metadata}` per collection.
    public func collections() async throws -> [JSONValue] {
        guard let store else {
            var rows: [JSONValue] = []
            for name in try await backend.collectionNames().sorted() {
                guard let collection = try await backend.existingCollection(named: name) else { continue }
                rows.append([
                    "id": .string(collection.id), "name": .string(name), "tenant": .null, "database": .null,
                    "count": .int(Int64(try await backend.count(collection))), "dimension": .null,
                    "space": .string(collection.space), "configuration": .null, "metadata": .null,
                ])
            }
            return rows
        }
        return try await store.run {
            var rows: [JSONValue] = []
            for tenant in try store.tenantNames() {
                for database in try store.databases(tenant: tenant) {
                    for info in try store.collections(tenant: tenant, database: database.name) {
                        rows.append([
                            "id": .string(info.id), "name": .string(info.name), "tenant": .string(tenant),
                            "database": .string(database.name), "count": .int(Int64(try store.count(info.id))),
                            "dimension": info.dimension.map { .int(Int64($0)) } ?? .null,
                            "space": .string(info.space.rawValue), "configuration": .object(info.configuration),
                            "metadata": info.metadata?.json ?? .null,
                        ])
                    }
                }
            }
            return rows
        }
    }

    /// Records `offset ..< offset + limit` in insertion order, each with the first values of its embedding.
    public func records(of id: String, limit: Int, offset: Int) async throws -> [JSONValue] {
        guard let store else {
            let collection = try await remote(id)
            return try await backend.records(collection, where: nil).dropFirst(offset).prefix(limit).map {
                ["id": .string($0.id), "document": .string($0.document), "metadata": .object($0.metadata)]
            }
        }
        let page = try await store.run {
            try store.get(from: id, limit: limit, offset: offset, include: [.embeddings, .documents, .metadatas])
        }
        return page.ids.indices.map { row in
            let embedding = page.embeddings?[row] ?? []
            return [
                "id": .string(page.ids[row]), "document": page.documents?[row].map { .string($0) } ?? .null,
                "metadata": page.metadatas?[row]?.json ?? .null, "dimension": .int(Int64(embedding.count)),
                "embedding_head": .array(embedding.prefix(6).map { .double(Double($0)) }),
            ]
        }
    }

    /// The `k` records nearest to `text` (embedded with Thoth's model) or to the record `recordID`.
    public func nearest(in id: String, text: String?, recordID: String?, k: Int, where filter: JSONObject?)
        async throws -> [JSONValue]
    {
        guard (1...1000).contains(k) else { throw ThothError(.invalidRequest, "n_results must be in 1…1000") }
        let vector: [Float]
        switch (text?.isEmpty == false ? text : nil, recordID?.isEmpty == false ? recordID : nil) {
        case (let text?, nil):
            vector = try await knowledge.embedQuery(text)
        case (nil, let recordID?):
            guard let store else {
                throw ThothError(.invalidRequest, "Records are looked up by id in the embedded store only")
            }
            let found = try await store.run { try store.get(from: id, ids: [recordID], include: [.embeddings]) }
            guard let embedding = found.embeddings?.first else {
                throw ThothError(.notFound, "No record '\(recordID)' in this collection")
            }
            vector = embedding
        default:
            throw ThothError(.invalidRequest, "Give either 'query_text' or 'record_id'")
        }
        let collection: VectorCollection
        if let store {
            let info = try await store.run { try store.collection(id: id) }
            collection = VectorCollection(id: info.id, name: info.name, space: info.space.rawValue)
        } else {
            collection = try await remote(id)
        }
        return try await backend(for: collection).query(collection, embedding: vector, k: k, where: filter).map {
            [
                "id": .string($0.id), "document": .string($0.document), "metadata": .object($0.metadata),
                "distance": .double(Double($0.distance)),
            ]
        }
    }

    /// Deletes the collection and its records.
    public func delete(_ id: String) async throws {
        guard let store else {
            try await backend.deleteCollection(named: try await remote(id).name)
            return
        }
        try await store.run {
            let info = try store.collection(id: id)
            try store.deleteCollection(named: info.name, tenant: info.tenant, database: info.database)
        }
    }

    /// The embedded store's collections may live in any tenant; the backend only reads by id.
    private func backend(for collection: VectorCollection) -> any VectorBackend {
        store.map { EmbeddedBackend(store: $0) } ?? backend
    }

    private func remote(_ id: String) async throws -> VectorCollection {
        for name in try await backend.collectionNames() {
            if let collection = try await backend.existingCollection(named: name), collection.id == id {
                return collection
            }
        }
        throw ThothError(.notFound, "No collection with id '\(id)'")
    }
}
