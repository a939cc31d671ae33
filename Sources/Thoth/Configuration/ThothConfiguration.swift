import Foundation

/// Every setting Thoth reads, read in one place: the documented `THOTH_*` names first, then the
/// original's unprefixed names (`PDF_DIR`, `RAG_*`, `ENDPOINT_*`, `MCP_*`, …), then the guide's
/// defaults. No setting is mandatory.
public struct ThothConfiguration: Sendable {
    /// The environment the settings were read from (process over `.env`), for providers that
    /// read their own keys (embeddings, chat model).
    public let environment: [String: String]
    public var workspace: Workspace

    public var apiHost: String
    public var apiPort: Int
    public var mcpHost: String
    public var mcpPort: Int
    public var chromaHost: String
    public var chromaPort: Int
    /// A remote Chroma server to use instead of the embedded store; nil means embedded.
    public var chromaURL: URL?

    public var logLevel: String
    public var cacheTTL: TimeInterval
    public var cacheMaxEntries: Int
    public var maxConcurrentRequests: Int
    public var agentTimeoutSeconds: Double
    public var agentMaxToolCalls: Int
    public var corsAllowedOrigins: [String]
    public var authEnabled: Bool
    public var jwtSecret: String?
    public var jwtExpireMinutes: Int

    public var ragCollection: String
    public var ragChunkSize: Int
    public var ragChunkOverlap: Int
    public var ragDefaultK: Int
    public var ragMinSimilarity: Double
    public var embeddingModel: String

    /// Reads the configuration from `environment`.
    public init(environment: [String: String], currentDirectory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        func integer(_ fallback: Int, _ names: String...) -> Int {
            names.lazy.compactMap { environment[$0].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }.first
                ?? fallback
        }
        func number(_ fallback: Double, _ names: String...) -> Double {
            names.lazy.compactMap { environment[$0].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
                .first ?? fallback
        }
        let root = Self.absolute(value("THOTH_WORKSPACE_DIR", "WORKSPACE_DIR") ?? ".", base: currentDirectory)
        func folder(_ name: String, _ names: String...) -> String {
            let configured = names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
            return Self.absolute(configured ?? name, base: root)
        }
        workspace = Workspace(
            root: root,
            pdfs: folder("pdfs", "THOTH_PDF_DIR", "PDF_DIR"),
            notes: folder("notes", "THOTH_NOTES_DIR", "NOTES_DIR"),
            markdown: folder("markdown", "THOTH_MARKDOWN_DIR", "MARKDOWN_DIR"),
            queries: folder("queries", "THOTH_QUERIES_DIR", "QUERIES_DIR"),
            discovery: folder("discovery", "THOTH_DISCOVERY_SOURCES_DIR", "DISCOVERY_SOURCES_DIR"),
            knowledge: folder("knowledge", "THOTH_KNOWLEDGE_BASE_DIR", "KNOWLEDGE_BASE_DIR"),
            logs: folder("logs", "THOTH_LOGS_DIR", "LOGS_DIR"),
            cache: folder("cache", "THOTH_CACHE_DIR", "CACHE_DIR"),
            data: folder("data", "THOTH_DATA_DIR"))

        apiHost = value("THOTH_API_HOST", "ENDPOINT_HOST") ?? "127.0.0.1"
        apiPort = integer(8000, "THOTH_API_PORT", "ENDPOINT_PORT")
        mcpHost = value("THOTH_MCP_HOST", "MCP_HOST") ?? apiHost
        mcpPort = integer(8001, "THOTH_MCP_PORT", "MCP_PORT")
        chromaHost = value("THOTH_CHROMA_HOST") ?? apiHost
        chromaPort = integer(8003, "THOTH_CHROMA_PORT")
        let chromaSetting = value("THOTH_CHROMADB_URL", "CHROMADB_URL")
        chromaURL = Self.remoteChroma(chromaSetting, ownPort: chromaPort)

        logLevel = (value("THOTH_LOG_LEVEL", "LOG_LEVEL") ?? "info").lowercased()
        cacheTTL = number(3600, "THOTH_CACHE_TTL")
        cacheMaxEntries = integer(1000, "THOTH_CACHE_MAX_SIZE")
        maxConcurrentRequests = integer(10, "THOTH_MAX_CONCURRENT_REQUESTS")
        agentTimeoutSeconds = number(300, "THOTH_AGENT_TIMEOUT_SECONDS")
        agentMaxToolCalls = max(0, integer(20, "THOTH_AGENT_MAX_TOOL_CALLS", "RESEARCH_AGENT_MAX_TOOL_CALLS"))
        corsAllowedOrigins = (value("THOTH_CORS_ALLOWED_ORIGINS") ?? "http://localhost:3000,http://localhost:8080")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        authEnabled = Self.flag(value("THOTH_AUTH_ENABLED"))
        jwtSecret = value("THOTH_JWT_SECRET_KEY")
        jwtExpireMinutes = integer(60, "THOTH_JWT_EXPIRE_MINUTES")

        ragCollection = value("THOTH_RAG_COLLECTION_NAME", "RAG_COLLECTION_NAME") ?? "thoth_knowledge"
        ragChunkSize = max(16, integer(500, "THOTH_RAG_CHUNK_SIZE", "RAG_CHUNK_SIZE"))
        ragChunkOverlap = max(0, integer(50, "THOTH_RAG_CHUNK_OVERLAP", "RAG_CHUNK_OVERLAP"))
        ragDefaultK = max(1, integer(4, "THOTH_RAG_DEFAULT_K", "RAG_RETRIEVAL_K"))
        ragMinSimilarity = number(0, "THOTH_RAG_MIN_SIMILARITY", "RAG_MIN_SIMILARITY")
        embeddingModel = value("THOTH_RAG_EMBEDDING_MODEL", "RAG_EMBEDDING_MODEL") ?? "all-MiniLM-L6-v2"
    }

    /// Settings saved at run time (`settings.json` in the data folder) over the process
    /// environment over `.env` (in `THOTH_ENV_FILE`, else the current directory); `NAME_FILE`
    /// variables supply `NAME` from a file (Docker secrets).
    public static func load() -> ThothConfiguration {
        let process = ProcessInfo.processInfo.environment
        let file = process["THOTH_ENV_FILE"] ?? ".env"
        let base = ThothConfiguration(
            environment: EnvironmentFile.resolvingFileReferences(
                EnvironmentFile.merged(processEnvironment: process, path: file)))
        let saved = SettingsOverrides.read(
            (base.workspace.data as NSString).appendingPathComponent(SettingsOverrides.fileName))
        guard !saved.isEmpty else { return base }
        return ThothConfiguration(environment: base.environment.merging(saved) { $1 })
    }

    /// The environment with the resolved folders filled in, for providers that read their own settings.
    public var providerEnvironment: [String: String] {
        var values = environment
        values["THOTH_DATA_DIR"] = workspace.data
        return values
    }

    static func absolute(_ path: String, base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let joined = expanded.hasPrefix("/") ? expanded : (base as NSString).appendingPathComponent(expanded)
        return (joined as NSString).standardizingPath
    }

    static func flag(_ text: String?) -> Bool {
        ["1", "true", "yes", "on"].contains(text?.lowercased() ?? "")
    }

    /// `CHROMADB_URL` names a remote server unless it is empty or names this process's own
    /// Chroma port on this machine (loopback or its host name).
    static func remoteChroma(_ setting: String?, ownPort: Int) -> URL? {
        guard let setting, let url = URL(string: setting), let host = url.host?.lowercased() else { return nil }
        let local = [
            "localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", ProcessInfo.processInfo.hostName.lowercased(),
        ]
        if local.contains(host), (url.port ?? 80) == ownPort { return nil }
        return url
    }
}
