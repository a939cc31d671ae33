import Foundation
import JSON

extension KnowledgeBase {
    /// The similarity a document's closest chunk needs to a topic to belong to its index.
    static let topicFloor = 0.25

    /// A collection of its own (`name`) holding every chunk of the documents about `topic` — those
    /// whose closest chunk is at least `topicFloor` alike, most alike first, at most `maxDocuments`,
    /// of `documentTypes` when given — for searches confined to that topic (`query_collection`).
    public func createCustomIndex(
        named name: String, topic: String, documentTypes: [String], maxDocuments: Int
    ) async throws -> JSONObject {
        guard name != settings.collection else {
            throw ThothError(.invalidRequest, "'\(name)' is the knowledge base's own collection")
        }
        if try await backend.existingCollection(named: name) != nil {
            throw ThothError(.invalidRequest, "A collection named '\(name)' already exists")
        }
        guard let source = try await backend.existingCollection(named: settings.collection) else {
            throw ThothError(.notFound, "The knowledge base is not indexed yet")
        }
        let fetch = min(10_000, max(50, maxDocuments * 20))
        var passages: [Passage] = []
        for type in documentTypes.isEmpty ? [nil] : documentTypes.map(Optional.some) {
            passages += try await search(topic, k: fetch, documentType: type, mode: .dense)
        }
        var seen = Set<String>()
        let documents = passages.sorted { $0.score > $1.score }.filter { $0.score >= Self.topicFloor }
            .map(\.source).filter { seen.insert($0).inserted }.prefix(maxDocuments)
        guard !documents.isEmpty else {
            throw ThothError(.notFound, "No document is about '\(topic)' (none is \(Self.topicFloor) alike or more)")
        }
        let records = try await backend.records(
            source, where: ["source": ["$in": .array(documents.map { .string($0) })]])
        let target = try await backend.collection(named: name)
        let embedder = try requireEmbedder()
        for start in stride(from: 0, to: records.count, by: 256) {
            let batch = Array(records[start..<min(start + 256, records.count)])
            let embeddings = try await embedder.embed(batch.map(\.document))
            try await backend.upsert(
                target, ids: batch.map(\.id), embeddings: embeddings, documents: batch.map(\.document),
                metadatas: batch.map { record in
                    var metadata = record.metadata
                    metadata["custom_index"] = .string(name)
                    return metadata
                })
        }
        return [
            "index_name": .string(name), "topic": .string(topic), "documents": .int(Int64(documents.count)),
            "chunks": .int(Int64(records.count)), "sources": .array(documents.map { .string($0) }),
        ]
    }
}
