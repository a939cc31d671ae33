import Discovery
import Foundation
import JSON

/// `web_search`: the web, through the configured engine (DuckDuckGo when none is).
enum WebSearchTools {
    static func all(_ services: DiscoveryServices) -> [Tool] {
        [
            Tool(
                name: "web_search",
                description: "Search the web (SearxNG, Brave, Serper or DuckDuckGo, as configured): titles, "
                    + "addresses, snippets and dates of the pages found.",
                parameters: [
                    .string("query", "What to search for", required: true),
                    .integer("max_results", "Most results", default: 10, range: 1...50),
                    .string(
                        "search_engine", "Which engine", default: "auto",
                        choices: ["auto", "duckduckgo", "searxng", "brave", "serper"]),
                    .boolean("safe_search", "Filter explicit results", default: true),
                    .string("region", "Country code for the results", default: "us"),
                    .string("time_range", "Only pages from the last", choices: ["day", "week", "month", "year"]),
                ]
            ) { arguments in
                let search = try services.webSearch(arguments.string("search_engine"))
                let results = try await search.search(
                    arguments.string("query")!, limit: arguments.integer("max_results")!,
                    options: WebSearch.Options(
                        safeSearch: arguments.flag("safe_search"), region: arguments.string("region")!,
                        timeRange: arguments.string("time_range")))
                let text =
                    results.isEmpty
                    ? "No results."
                    : results.enumerated().map { "\($0 + 1). \($1.title) — \($1.url)\n   \($1.snippet)" }
                        .joined(separator: "\n")
                return ToolOutput(
                    text: text,
                    data: [
                        "engine": .string(search.engine.rawValue), "results": .array(results.map(\.json)),
                        "count": .int(Int64(results.count)),
                    ])
            }
        ]
    }
}
