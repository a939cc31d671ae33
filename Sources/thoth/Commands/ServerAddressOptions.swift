import ArgumentParser
import Foundation
import Thoth

/// Where a running server's listeners are: from the configuration (`THOTH_API_PORT`, …, `.env`),
/// or given as URLs.
struct ServerAddressOptions: ParsableArguments {
    @Option(help: "API base URL (default: from THOTH_API_HOST/THOTH_API_PORT).") var apiUrl: String?
    @Option(help: "MCP base URL (default: from THOTH_MCP_HOST/THOTH_MCP_PORT).") var mcpUrl: String?
    @Option(help: "Chroma base URL (default: CHROMADB_URL, else this server's Chroma port).") var chromaUrl: String?

    func resolved() -> (api: URL, mcp: URL, chroma: URL) {
        Self.resolve(apiUrl: apiUrl, mcpUrl: mcpUrl, chromaUrl: chromaUrl)
    }

    /// Whether the Chroma to check is another server (`--chroma-url` or a remote `CHROMADB_URL`)
    /// rather than this server's own listener.
    var chromaIsElsewhere: Bool {
        chromaUrl != nil || ThothConfiguration.load().chromaURL != nil
    }

    static func resolve(apiUrl: String? = nil, mcpUrl: String? = nil, chromaUrl: String? = nil) -> (
        api: URL, mcp: URL, chroma: URL
    ) {
        let configuration = ThothConfiguration.load()
        func local(_ host: String, _ port: Int) -> String {
            let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
            return "http://\(reachable):\(port)"
        }
        let chroma =
            chromaUrl ?? configuration.chromaURL?.absoluteString
            ?? local(configuration.chromaHost, configuration.chromaPort)
        return (
            URL(string: apiUrl ?? local(configuration.apiHost, configuration.apiPort))!,
            URL(string: mcpUrl ?? local(configuration.mcpHost, configuration.mcpPort))!,
            URL(string: chroma)!
        )
    }
}
