import Foundation
import JSON

/// Research queries: what the user is looking for, kept as JSON files for discovery to use.
enum QueryTools {
    static let fields: [ToolParameter] = [
        .string("description", "What the query is about"),
        .string("research_question", "The question it answers"),
        .strings("keywords", "Keywords"),
        .strings("required_topics", "Topics an article must cover"),
        .strings("preferred_topics", "Topics that make an article more relevant"),
        .strings("excluded_topics", "Topics that rule an article out"),
        .number("minimum_relevance_score", "Least relevance for a match", default: nil, range: 0...1),
        .boolean("is_active", "Whether discovery uses it", default: true),
    ]

    static func all(_ store: ResearchQueryStore) -> [Tool] {
        [
            Tool(name: "list_queries", description: "List the research queries.", parameters: []) { _ in
                var queries: [JSONValue] = []
                for name in try store.names() {
                    if let query = try store.query(name) { queries.append(.object(query)) }
                }
                let text =
                    queries.isEmpty
                    ? "No research queries yet."
                    : queries.compactMap { $0.objectValue }.map {
                        "- \($0["name"]?.stringValue ?? ""): \($0["research_question"]?.stringValue ?? "")"
                    }.joined(separator: "\n")
                return ToolOutput(text: text, data: .array(queries))
            },
            Tool(
                name: "create_query",
                description: "Create a research query (what discovery should look for).",
                parameters: [
                    .string("name", "A unique name", required: true),
                    ToolParameter(
                        name: "description", kind: .string, description: "What the query is about", required: true),
                    ToolParameter(
                        name: "research_question", kind: .string, description: "The question it answers",
                        required: true),
                ] + fields.filter { !["description", "research_question"].contains($0.name) }
            ) { arguments in
                let name = arguments.string("name")!
                let now = ISOTime.string(Date())
                var query: JSONObject = ["name": .string(name)]
                for field in fields {
                    query[field.name] = arguments.values[field.name] ?? (field.kind == .stringArray ? [] : nil)
                }
                query["minimum_relevance_score"] = arguments.values["minimum_relevance_score"] ?? .double(0.7)
                query["created_at"] = .string(now)
                query["updated_at"] = .string(now)
                try store.save(query, name: name, create: true)
                return ToolOutput(text: "Created the research query '\(name)'.", data: .object(query))
            },
            Tool(
                name: "get_query", description: "One research query.",
                parameters: [.string("query_name", "Its name", required: true)]
            ) { arguments in
                ToolOutput(.object(try require(store, arguments.string("query_name")!)))
            },
            Tool(
                name: "update_query", description: "Change fields of a research query.",
                parameters: [.string("query_name", "Its name", required: true)]
                    + fields.map { field in
                        var optional = field
                        optional.defaultValue = nil
                        return optional
                    }
            ) { arguments in
                let name = arguments.string("query_name")!
                var query = try require(store, name)
                var changed: [String] = []
                for field in fields {
                    if let value = arguments.values[field.name] {
                        query[field.name] = value
                        changed.append(field.name)
                    }
                }
                guard !changed.isEmpty else { throw ToolError("Nothing to update: give at least one field") }
                query["updated_at"] = .string(ISOTime.string(Date()))
                try store.save(query, name: name, create: false)
                return ToolOutput(
                    text: "Updated \(changed.joined(separator: ", ")) of '\(name)'.", data: .object(query))
            },
            Tool(
                name: "delete_query", description: "Delete a research query.",
                parameters: [.string("query_name", "Its name", required: true)]
            ) { arguments in
                let name = arguments.string("query_name")!
                guard try store.delete(name) else { throw ToolError("No research query named '\(name)'") }
                return ToolOutput(text: "Deleted the research query '\(name)'.", data: ["deleted": .string(name)])
            },
        ]
    }

    static func require(_ store: ResearchQueryStore, _ name: String) throws -> JSONObject {
        guard let query = try store.query(name) else { throw ToolError("No research query named '\(name)'") }
        return query
    }
}
