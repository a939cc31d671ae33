import ArgumentParser
import Foundation
import Thoth
import ThothAPI

/// Where a running server's listeners are: from the configuration (`THOTH_API_PORT`, …, `.env`),
/// or given as URLs.
struct ServerAddressOptions: ParsableArguments {
    @Option(help: "API base URL (default: from THOTH_API_HOST/THOTH_API_PORT).") var apiUrl: String?
    @Option(help: "MCP base URL (default: from THOTH_MCP_HOST/THOTH_MCP_PORT).") var mcpUrl: String?
    @Option(help: "Chroma base URL (default: CHROMADB_URL, else this server's Chroma port).") var chromaUrl: String?

    func resolved() throws -> (api: URL, mcp: URL, chroma: URL) {
        try Self.resolve(apiUrl: apiUrl, mcpUrl: mcpUrl, chromaUrl: chromaUrl)
    }

    /// Whether the Chroma to check is another server (`--chroma-url` or a remote `CHROMADB_URL`)
    /// rather than this server's own listener.
    var chromaIsElsewhere: Bool {
        chromaUrl != nil || (try? ThothConfiguration.load())?.chromaURL != nil
    }

    static func resolve(apiUrl: String? = nil, mcpUrl: String? = nil, chromaUrl: String? = nil) throws -> (
        api: URL, mcp: URL, chroma: URL
    ) {
        let configuration = try ThothConfiguration.load()
        func local(_ host: String, _ port: Int) -> String { Listeners.Address(host: host, port: port).url }
        let chroma =
            chromaUrl ?? configuration.chromaURL?.absoluteString
            ?? local(configuration.chromaHost, configuration.chromaPort)
        return (
            try url(apiUrl ?? local(configuration.apiHost, configuration.apiPort)),
            try url(mcpUrl ?? local(configuration.mcpHost, configuration.mcpPort)),
            try url(chroma)
        )
    }

    private static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("Not an http(s) URL: \(text)")
        }
        return url
    }
}
