import ArgumentParser
import Foundation
import JSON
import Thoth

/// `thoth discovery list|show|create|run|delete`: discovery sources and their runs, on the
/// workspace (the server's discovery data is the same files).
struct DiscoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discovery", abstract: "Discovery sources: search them for new papers.",
        subcommands: [List.self, Show.self, Create.self, Run.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The sources, with their last run.")
        func run() async throws {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let runner = services.discovery
            var listed: [JSONValue] = []
            for name in runner.sources.names() {
                var source = try runner.sources.source(name)
                source["last_run"] = try runner.articles.runs(source: name, limit: 1).first ?? .null
                listed.append(.object(source))
            }
            print(JSONWriter.string(.array(listed)))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One source and its recent runs.")
        @Argument var name: String
        func run() async throws {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            var source = try services.discovery.sources.source(name)
            source["runs"] = .array(try services.discovery.articles.runs(source: name, limit: 10))
            print(JSONWriter.string(.object(source)))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A new source: `create arxiv NAME --query TEXT [--category C]…`, `create crossref|openalex|pubmed|"
                + "semanticscholar NAME --query TEXT`, `create biorxiv|medrxiv NAME [--start-date D] [--end-date D]`."
        )
        @Argument(help: "\(DiscoveryServices.types.joined(separator: ", ")).") var type: String
        @Argument var name: String
        @Option(help: "Search terms (arXiv: each must appear in title or abstract).") var query: [String] = []
        @Option(help: "Categories (arXiv: cs.IR, …; bioRxiv: one subject).") var category: [String] = []
        @Option(help: "Most articles per run.") var maxArticles = 50
        @Option(help: "Hours between scheduled runs.") var intervalHours = 24.0
        @Option(help: "Only papers published from this day on (YYYY-MM-DD); bioRxiv: the interval's first day.")
        var startDate: String?
        @Option(help: "bioRxiv: the interval's last day (YYYY-MM-DD).") var endDate: String?
        @Option(help: "Research queries that judge its articles (default: all).") var researchQuery: [String] = []

        func run() async throws {
            let listsByDate = ["biorxiv", "medrxiv"].contains(type)
            guard listsByDate || !query.isEmpty || !category.isEmpty else {
                throw ValidationError("Give --query or --category")
            }
            for date in [startDate, endDate].compactMap({ $0 }) where date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil {
                throw ValidationError("Dates are YYYY-MM-DD, not '\(date)'")
            }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            var source: JSONObject = [
                "name": .string(name), "type": .string(type), "terms": .array(query.map { .string($0) }),
                "categories": .array(category.map { .string($0) }), "max_articles": .int(Int64(maxArticles)),
                "interval_hours": .double(intervalHours), "created_at": .string(ISOTime.string(Date())),
            ]
            if ["crossref", "openalex", "semanticscholar"].contains(type) {
                source["query"] = .string(query.joined(separator: " "))
            }
            if type == "pubmed" { source["query"] = .string(query.joined(separator: " AND ")) }
            if let startDate { source[listsByDate ? "start_date" : "from_date"] = .string(startDate) }
            if let endDate { source["end_date"] = .string(endDate) }
            if !researchQuery.isEmpty { source["queries"] = .array(researchQuery.map { .string($0) }) }
            try services.discovery.sources.create(source)
            print(JSONWriter.string(.object(source)))
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a source now and print its record.")
        @Argument var name: String
        @Flag(help: "Print the record as JSON (the default; kept for the original's flag).") var json = false
        func run() async throws {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let record = try await services.discovery.run(name)
            print(JSONWriter.string(.object(record)))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a source (its articles stay).")
        @Argument var name: String
        func run() async throws {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            guard try services.discovery.sources.delete(name) else {
                throw ValidationError("No discovery source named '\(name)'")
            }
            print("Deleted \(name)")
        }
    }
}
