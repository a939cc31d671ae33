import Embeddings
import JSON

/// The vector store seen directly: its collections, a text query against any of them, a
/// collection of one topic's documents, and how search behaves on test queries.
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
            Tool(
                name: "create_custom_index",
                description: "A collection of its own holding every chunk of the documents about a topic (those the "
                    + "topic finds with similarity 0.25 or more), for searches confined to it with query_collection.",
                parameters: [
                    .string("index_name", "The new collection's name", required: true),
                    .string("topic_filter", "The topic its documents are about", required: true),
                    .strings("document_types", "Only these document types (note, article)"),
                    .integer("max_documents", "Most documents", default: 1000, range: 1...100_000),
                ]
            ) { arguments in
                let report = try await knowledge.createCustomIndex(
                    named: arguments.string("index_name")!, topic: arguments.string("topic_filter")!,
                    documentTypes: arguments.strings("document_types"),
                    maxDocuments: arguments.integer("max_documents")!)
                return ToolOutput(
                    text: "Created \(arguments.string("index_name")!): \(report["documents"]!.intValue!) document(s), "
                        + "\(report["chunks"]!.intValue!) chunk(s) about '\(arguments.string("topic_filter")!)'.",
                    data: .object(report))
            },
            Tool(
                name: "optimize_search",
                description: "How search behaves on test queries at k = 2, 4, 8 and 16 (time, best and last "
                    + "similarity, documents reached) and the k that fits a focus; it recommends, it changes nothing.",
                parameters: [
                    .strings("test_queries", "Queries to try (default: the first article titles)"),
                    .string(
                        "optimization_focus", "What to favour", default: "balanced",
                        choices: ["speed", "relevance", "recall", "balanced"]),
                    .boolean("analyze_performance", "Include each query's timings and scores", default: false),
                ]
            ) { arguments in
                let report = try await knowledge.tuneSearch(
                    arguments.strings("test_queries"), focus: arguments.string("optimization_focus")!,
                    perQuery: arguments.flag("analyze_performance"))
                let rows = (report["by_k"]?.arrayValue ?? []).compactMap(\.objectValue).map { row in
                    "k=\(row["k"]!.intValue!): \(row["latency_ms"]!.doubleValue!) ms, best \(row["best_score"]!.doubleValue!), "
                        + "last \(row["last_score"]!.doubleValue!), \(row["documents"]!.doubleValue!) documents"
                }
                let k = report["recommended"]?.objectValue?["THOTH_RAG_DEFAULT_K"]?.intValue ?? 0
                return ToolOutput(
                    text: rows.joined(separator: "\n") + "\nFor \(arguments.string("optimization_focus")!): "
                        + "THOTH_RAG_DEFAULT_K=\(k) (settable with update settings).",
                    data: .object(report))
            },
        ]
    }
}
