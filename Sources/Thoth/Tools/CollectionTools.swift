import Embeddings
import JSON

/// The vector store seen directly: its collections, and a text query against any of them.
enum CollectionTools {
    static func all(_ backend: any VectorBackend, knowledge: KnowledgeBase) -> [Tool] {
        [
            Tool(
                name: "list_collections", description: "The vector store's collections and their sizes.",
                parameters: []
            ) { _ in
                var rows: [JSONValue] = []
                for name in try await backend.collectionNames().sorted() {
                    if let collection = try await backend.existingCollection(named: name) {
                        rows.append([
                            "name": .string(name), "count": .int(Int64(try await backend.count(collection))),
                            "space": .string(collection.space),
                        ])
                    }
                }
                let text = rows.compactMap(\.objectValue).map {
                    "- \($0["name"]!.stringValue!): \($0["count"]!.intValue!) records (\($0["space"]!.stringValue!))"
                }.joined(separator: "\n")
                return ToolOutput(text: rows.isEmpty ? "No collections." : text, data: .array(rows))
            },
            Tool(
                name: "query_collection",
                description: "Nearest records of any collection to a text, embedded with Thoth's embedding model "
                    + "(the collection must hold vectors of that model).",
                parameters: [
                    .string("collection", "Collection name", required: true),
                    .string("query_text", "The text to search for", required: true),
                    .integer("n_results", "How many records", default: 5, range: 1...100),
                    .object("where", "A Chroma metadata filter, e.g. {\"document_type\": \"note\"}"),
                ]
            ) { arguments in
                let name = arguments.string("collection")!
                guard let collection = try await backend.existingCollection(named: name) else {
                    throw ToolError("No collection named '\(name)'")
                }
                let vector = try await knowledge.embedQuery(arguments.string("query_text")!)
                let hits = try await backend.query(
                    collection, embedding: vector, k: arguments.integer("n_results")!, where: arguments.object("where"))
                let rows: [JSONValue] = hits.map {
                    [
                        "id": .string($0.id), "document": .string($0.document), "metadata": .object($0.metadata),
                        "distance": .double(Double($0.distance)),
                    ]
                }
                let text = hits.enumerated().map { "\($0 + 1). \($1.id) (distance \($1.distance))\n\($1.document)" }
                    .joined(separator: "\n\n")
                return ToolOutput(text: hits.isEmpty ? "No records." : text, data: .array(rows))
            },
        ]
    }
}
