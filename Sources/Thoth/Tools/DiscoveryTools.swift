import Foundation
import JSON

/// The discovery tools: list, create, show, run and delete sources (arXiv, CrossRef, PubMed,
/// OpenAlex, bioRxiv), and the reading list drawn from what they found.
enum DiscoveryTools {
    static func all(_ runner: DiscoveryRunner) -> [Tool] {
        let sources = runner.sources
        @Sendable func create(_ type: String, _ arguments: ToolArguments) throws -> ToolOutput {
            var source: JSONObject = [
                "name": .string(arguments.string("name")!), "type": .string(type),
                "terms": .array(arguments.strings("keywords").map { .string($0) }),
                "categories": .array(arguments.strings("categories").map { .string($0) }),
                "max_articles": .int(Int64(arguments.integer("max_articles")!)),
                "interval_hours": .double(arguments.number("interval_hours")!),
                "created_at": .string(ISOTime.string(Date())),
            ]
            if ["crossref", "openalex"].contains(type) {
                source["query"] = .string(arguments.strings("keywords").joined(separator: " "))
            }
            if type == "pubmed" { source["query"] = .string(arguments.strings("keywords").joined(separator: " AND ")) }
            for key in ["start_date", "end_date"] {
                if let date = arguments.string(key) {
                    guard date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else {
                        throw ToolError("\(key) is YYYY-MM-DD")
                    }
                    source[key] = .string(date)
                }
            }
            if type == "biorxiv", arguments.string("server") == "medrxiv" { source["type"] = "medrxiv" }
            // bioRxiv lists a date interval, so it needs no terms; the others search by them.
            guard
                type == "biorxiv" || !arguments.strings("keywords").isEmpty || !arguments.strings("categories").isEmpty
            else {
                throw ToolError("Give keywords (or, for arXiv, categories)")
            }
            try sources.create(source)
            return ToolOutput(text: "Created the \(type) source '\(arguments.string("name")!)'", data: .object(source))
        }
        let common: [ToolParameter] = [
            .string("name", "A unique name", required: true), .strings("keywords", "Search terms"),
            .integer("max_articles", "Most articles per run", default: 50, range: 1...10_000),
            .number("interval_hours", "Hours between scheduled runs", default: 24, range: 0.01...8760),
        ]
        return [
            Tool(name: "list_discovery_sources", description: "The discovery sources.", parameters: []) { _ in
                let all = try sources.names().map { try sources.source($0) }
                return ToolOutput(
                    text: all.isEmpty
                        ? "No discovery sources."
                        : all.map { "- \($0["name"]?.stringValue ?? "") (\($0["type"]?.stringValue ?? ""))" }
                            .joined(separator: "\n"),
                    data: .array(all.map { .object($0) }))
            },
            Tool(
                name: "create_arxiv_source", description: "A discovery source searching arXiv.",
                parameters: common + [.strings("categories", "arXiv categories (cs.IR, …)")]
            ) { try create("arxiv", $0) },
            Tool(
                name: "create_crossref_source", description: "A discovery source searching CrossRef.",
                parameters: common
            ) { try create("crossref", $0) },
            Tool(
                name: "create_pubmed_source", description: "A discovery source searching PubMed.",
                parameters: common
            ) { try create("pubmed", $0) },
            Tool(
                name: "create_openalex_source", description: "A discovery source searching OpenAlex.",
                parameters: common
            ) { try create("openalex", $0) },
            Tool(
                name: "create_biorxiv_source",
                description: "A discovery source listing bioRxiv (or medRxiv) preprints of a date interval "
                    + "(the last week when no dates are given), kept when they mention a keyword.",
                parameters: common + [
                    .string("start_date", "First day, YYYY-MM-DD"), .string("end_date", "Last day, YYYY-MM-DD"),
                    .strings("categories", "bioRxiv categories (neuroscience, …); the first is used"),
                    .string("server", "Which preprint server", default: "biorxiv", choices: ["biorxiv", "medrxiv"]),
                ]
            ) { try create("biorxiv", $0) },
            Tool(
                name: "get_discovery_source", description: "One source and its recent runs.",
                parameters: [.string("source_name", "The source", required: true)]
            ) { arguments in
                let name = arguments.string("source_name")!
                guard var source = try? sources.source(name) else {
                    throw ToolError("No discovery source named '\(name)'")
                }
                source["runs"] = .array(try runner.articles.runs(source: name, limit: 10))
                return ToolOutput(.object(source))
            },
            Tool(
                name: "run_discovery",
                description: "Run a source now: new articles judged against the research "
                    + "queries, relevant PDFs downloaded for the pipeline.",
                parameters: [.string("source_name", "The source (every source when omitted)")]
            ) { arguments in
                let names = arguments.string("source_name").map { [$0] } ?? sources.names()
                guard !names.isEmpty else { throw ToolError("No discovery sources to run") }
                var records: [JSONObject] = []
                for name in names { records.append(try await runner.run(name)) }
                let text = records.map { record in
                    "\(record["source"]?.stringValue ?? ""): found \(record["found"]?.intValue ?? 0), new "
                        + "\(record["new"]?.intValue ?? 0), relevant \(record["relevant"]?.intValue ?? 0), downloaded "
                        + "\(record["downloaded"]?.intValue ?? 0)"
                }.joined(separator: "\n")
                return ToolOutput(
                    text: text, data: records.count == 1 ? .object(records[0]) : .array(records.map { .object($0) }))
            },
            Tool(
                name: "generate_reading_list",
                description: "What to read next from the articles discovery found: those a research query "
                    + "judged relevant (name the query), or those closest to a topic.",
                parameters: [
                    .string("topic_or_query", "A research query's name, or a topic", required: true),
                    .integer("max_papers", "How many", default: 10, range: 1...100),
                    .string(
                        "priority_criteria", "Order by", default: "relevance",
                        choices: DiscoveryRunner.ReadingPriority.allCases.map(\.rawValue)),
                ]
            ) { arguments in
                let topic = arguments.string("topic_or_query")!
                let list = try await runner.readingList(
                    topic: topic, count: arguments.integer("max_papers")!,
                    priority: DiscoveryRunner.ReadingPriority(rawValue: arguments.string("priority_criteria")!)!)
                return ToolOutput(
                    text: DiscoveryRunner.markdown(list, topic: topic), data: .array(list.map { .object($0) }))
            },
            Tool(
                name: "delete_discovery_source", description: "Delete a source (its articles stay).",
                parameters: [.string("source_name", "The source", required: true)]
            ) { arguments in
                let name = arguments.string("source_name")!
                guard try sources.delete(name) else { throw ToolError("No discovery source named '\(name)'") }
                return ToolOutput(text: "Deleted \(name)", data: ["deleted": .string(name)])
            },
        ]
    }
}
