import Citations
import Foundation

/// Every setting Thoth reads, read in one place: the documented `THOTH_*` names first, then the
/// original's unprefixed names (`PDF_DIR`, `RAG_*`, `ENDPOINT_*`, `MCP_*`, …), then the guide's
/// defaults. No setting is mandatory, but every one that is set must make sense.
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
    /// `logs/thoth.log` is rotated past this size, keeping `logBackups` older files.
    public var logMaxBytes: Int
    public var logBackups: Int
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
    /// Search modes, fusion, diversity and context of the knowledge base's retrieval.
    public var retrieval: Retrieval
    public var embeddingModel: String
    /// The PDF pipeline: limits on each PDF's child processes, OCR, and the folder watcher.
    public var pdfTimeoutSeconds: Double
    public var pdfMaxBytes: Int
    public var pdfMemoryBytes: Int
    public var ocrEnabled: Bool
    public var ocrLanguage: String
    public var monitorEnabled: Bool
    /// The discovery scheduler in the server (`--no-discovery` also turns it off).
    public var discoveryEnabled: Bool
    /// How a note links to the notes of the papers it cites: `[[wikilink]]` or `[uri](…md)`.
    public var citationLinkFormat: ReferencesSection.LinkFormat
    /// Whether `--enrich` also asks OpenCitations Meta and Semantic Scholar, after CrossRef.
    public var citationUseOpenCitations: Bool
    public var citationUseSemanticScholar: Bool
    /// Whether the agent recalls memories into its turns, and how many a user keeps at most.
    public var memoryEnabled: Bool
    public var memoryCapacity: Int
    /// The CSL style `format_citations` uses when none is named.
    public var citationStyle: String
    /// How often the discovery scheduler looks for due sources.
    public var discoveryCheckSeconds: Double
    public var monitorIntervalSeconds: Double

    /// What is wrong with the settings read (unparseable or out-of-range numbers, auth without a
    /// usable secret, unreadable `_FILE` secrets); `load()` refuses to start with any.
    public let problems: [String]

    /// Reads the configuration from `environment`. A value that cannot be read is reported in
    /// `problems` (and its default used), never silently ignored.
    public init(environment: [String: String], currentDirectory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        var problems: [String] = []
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        /// The first of `names` that is set, parsed by `parse`; a value it rejects is a problem.
        func setting<T>(_ fallback: T, _ names: [String], _ expected: String, _ parse: (String) -> T?) -> T {
            guard let name = names.first(where: { !(environment[$0] ?? "").isEmpty }), let raw = environment[name]
            else { return fallback }
            guard let parsed = parse(raw.trimmingCharacters(in: .whitespaces)) else {
                problems.append("\(name)=\(raw.prefix(80)) must be \(expected)")
                return fallback
            }
            return parsed
        }
        func integer(_ fallback: Int, _ range: ClosedRange<Int>, _ names: String...) -> Int {
            setting(fallback, names, "an integer in \(range.lowerBound)…\(range.upperBound)") {
                Int($0).flatMap { range.contains($0) ? $0 : nil }
            }
        }
        func number(_ fallback: Double, _ range: ClosedRange<Double>, _ names: String...) -> Double {
            setting(fallback, names, "a number in \(range.lowerBound)…\(range.upperBound)") {
                Double($0).flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
            }
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
            templates: folder("templates", "THOTH_TEMPLATES_DIR", "TEMPLATES_DIR"),
            styles: folder("styles", "THOTH_CSL_STYLES_DIR"),
            data: folder("data", "THOTH_DATA_DIR"))

        let ports = 1...65535
        apiHost = value("THOTH_API_HOST", "ENDPOINT_HOST") ?? "127.0.0.1"
        apiPort = integer(8000, ports, "THOTH_API_PORT", "ENDPOINT_PORT")
        mcpHost = value("THOTH_MCP_HOST", "MCP_HOST") ?? apiHost
        mcpPort = integer(8001, ports, "THOTH_MCP_PORT", "MCP_PORT")
        chromaHost = value("THOTH_CHROMA_HOST") ?? apiHost
        chromaPort = integer(8003, ports, "THOTH_CHROMA_PORT")
        let chromaSetting = value("THOTH_CHROMADB_URL", "CHROMADB_URL")
        if let chromaSetting, URL(string: chromaSetting)?.host == nil {
            problems.append("CHROMADB_URL=\(chromaSetting.prefix(80)) is not a URL with a host")
        }
        chromaURL = Self.remoteChroma(chromaSetting, ownPort: chromaPort)

        logLevel = setting(
            "info", ["THOTH_LOG_LEVEL", "LOG_LEVEL"], "one of \(Self.logLevels.joined(separator: ", "))"
        ) {
            Self.logLevels.contains($0.lowercased()) ? $0.lowercased() : nil
        }
        logMaxBytes = integer(10 << 20, 4096...(1 << 40), "THOTH_LOG_MAX_BYTES")
        logBackups = integer(5, 1...1000, "THOTH_LOG_BACKUP_COUNT")
        cacheTTL = number(3600, 0...31_536_000, "THOTH_CACHE_TTL")
        cacheMaxEntries = integer(1000, 0...10_000_000, "THOTH_CACHE_MAX_SIZE")
        maxConcurrentRequests = integer(10, 1...10_000, "THOTH_MAX_CONCURRENT_REQUESTS")
        agentTimeoutSeconds = number(300, 1...86_400, "THOTH_AGENT_TIMEOUT_SECONDS")
        agentMaxToolCalls = integer(20, 0...1000, "THOTH_AGENT_MAX_TOOL_CALLS", "RESEARCH_AGENT_MAX_TOOL_CALLS")
        corsAllowedOrigins = (value("THOTH_CORS_ALLOWED_ORIGINS") ?? "http://localhost:3000,http://localhost:8080")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        authEnabled = setting(false, ["THOTH_AUTH_ENABLED"], "true or false", Self.flag)
        pdfTimeoutSeconds = number(120, 1...86_400, "THOTH_PDF_PROCESSING_TIMEOUT")
        pdfMaxBytes = integer(200, 1...100_000, "THOTH_MAX_PDF_SIZE_MB") << 20
        pdfMemoryBytes = integer(2048, 64...1_048_576, "THOTH_PDF_MEMORY_LIMIT_MB") << 20
        ocrEnabled = setting(true, ["THOTH_ENABLE_OCR"], "true or false", Self.flag)
        ocrLanguage = value("THOTH_OCR_LANGUAGE") ?? "eng"
        monitorEnabled = setting(true, ["THOTH_MONITOR_ENABLED", "MONITOR_AUTO_START"], "true or false", Self.flag)
        discoveryEnabled = setting(
            true, ["THOTH_DISCOVERY_ENABLED", "DISCOVERY_AUTO_START"], "true or false", Self.flag)
        discoveryCheckSeconds = number(30, 0.1...86_400, "THOTH_DISCOVERY_CHECK_SECONDS")
        citationLinkFormat = setting(
            .wikilink, ["THOTH_CITATION_LINK_FORMAT", "CITATION_LINK_FORMAT"], "wikilink or uri",
            { ReferencesSection.LinkFormat(rawValue: $0.lowercased()) })
        memoryEnabled = setting(
            true, ["THOTH_RESEARCH_AGENT_MEMORY_ENABLED", "RESEARCH_AGENT_MEMORY_ENABLED"], "true or false", Self.flag)
        memoryCapacity = integer(1000, 1...1_000_000, "THOTH_MEMORY_MAX_ITEMS")
        citationUseOpenCitations = setting(
            true, ["THOTH_CITATION_USE_OPENCITATIONS", "CITATION_USE_OPENCITATIONS"], "true or false", Self.flag)
        citationUseSemanticScholar = setting(
            true, ["THOTH_CITATION_USE_SEMANTICSCHOLAR", "CITATION_USE_SEMANTICSCHOLAR"], "true or false", Self.flag)
        citationStyle = value("THOTH_CITATION_STYLE", "CITATION_STYLE") ?? "ieee"
        monitorIntervalSeconds = number(2, 0.1...3600, "THOTH_MONITOR_INTERVAL_SECONDS", "MONITOR_WATCH_INTERVAL")
        jwtSecret = value("THOTH_JWT_SECRET_KEY")
        jwtExpireMinutes = integer(60, 1...525_600, "THOTH_JWT_EXPIRE_MINUTES")
        if authEnabled {
            if let jwtSecret {
                if jwtSecret.utf8.count < Self.minimumSecretBytes {
                    problems.append(
                        "THOTH_JWT_SECRET_KEY is \(jwtSecret.utf8.count) bytes; an HS256 secret needs at least "
                            + "\(Self.minimumSecretBytes) (e.g. `head -c 32 /dev/urandom | base64`)")
                }
            } else {
                problems.append(
                    "THOTH_AUTH_ENABLED is on but no secret is set: set THOTH_JWT_SECRET_KEY or THOTH_JWT_SECRET_KEY_FILE"
                )
            }
        }
        problems += EnvironmentFile.unreadableFileReferences(environment)

        ragCollection = value("THOTH_RAG_COLLECTION_NAME", "RAG_COLLECTION_NAME") ?? "thoth_knowledge"
        ragChunkSize = integer(500, 16...8192, "THOTH_RAG_CHUNK_SIZE", "RAG_CHUNK_SIZE")
        ragChunkOverlap = integer(50, 0...4096, "THOTH_RAG_CHUNK_OVERLAP", "RAG_CHUNK_OVERLAP")
        ragDefaultK = integer(4, 1...100, "THOTH_RAG_DEFAULT_K", "RAG_RETRIEVAL_K")
        ragMinSimilarity = number(0, -1...1, "THOTH_RAG_MIN_SIMILARITY", "RAG_MIN_SIMILARITY")
        retrieval = Retrieval()
        retrieval.mode = setting(.hybrid, ["THOTH_RAG_SEARCH_MODE"], "hybrid, dense or words") {
            Retrieval.Mode(rawValue: $0.lowercased())
        }
        retrieval.fusionK = integer(60, 1...10_000, "THOTH_RAG_FUSION_K")
        retrieval.denseWeight = number(1, 0...100, "THOTH_RAG_DENSE_WEIGHT")
        retrieval.wordsWeight = number(1, 0...100, "THOTH_RAG_WORDS_WEIGHT")
        retrieval.depth = integer(50, 1...1000, "THOTH_RAG_FUSION_DEPTH")
        if value("THOTH_RAG_DIVERSITY") != nil { retrieval.diversity = number(0.7, 0...1, "THOTH_RAG_DIVERSITY") }
        retrieval.neighbours = integer(1, 0...5, "THOTH_RAG_NEIGHBOUR_CHUNKS")
        retrieval.rerankCandidates = integer(20, 2...200, "THOTH_RERANK_CANDIDATES")
        if let url = value("THOTH_RERANK_BASE_URL"),
            URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true
        {
            problems.append("THOTH_RERANK_BASE_URL=\(url.prefix(80)) must be an http(s) URL")
        }
        embeddingModel = value("THOTH_RAG_EMBEDDING_MODEL", "RAG_EMBEDDING_MODEL") ?? "all-MiniLM-L6-v2"
        self.problems = problems
    }

    /// Bytes an HS256 secret needs at least (RFC 7518 §3.2: as long as the hash).
    public static let minimumSecretBytes = 32
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "warn", "error", "critical", "fatal"]

    /// Settings saved at run time (`settings.json` in the data folder) over the process
    /// environment over `.env` (in `THOTH_ENV_FILE`, else the current directory); `NAME_FILE`
    /// variables supply `NAME` from a file (Docker secrets). Fails closed: any problem in the
    /// settings stops here, with every problem named.
    public static func load() throws -> ThothConfiguration {
        let process = ProcessInfo.processInfo.environment
        let file = process["THOTH_ENV_FILE"] ?? ".env"
        let base = ThothConfiguration(
            environment: EnvironmentFile.resolvingFileReferences(
                EnvironmentFile.merged(processEnvironment: process, path: file)))
        // Only what the settings table lets a client change is taken from the file, whatever it holds.
        let saved = SettingsOverrides.read(
            (base.workspace.data as NSString).appendingPathComponent(SettingsOverrides.fileName)
        ).filter { PluginSetting.settableEnvironment.contains($0.key) }
        let configuration =
            saved.isEmpty ? base : ThothConfiguration(environment: base.environment.merging(saved) { $1 })
        guard configuration.problems.isEmpty else {
            throw ThothError(
                .invalidRequest,
                "Invalid configuration, not starting:\n  - " + configuration.problems.joined(separator: "\n  - "))
        }
        return configuration
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

    /// A boolean setting; nil for anything that is not clearly one (fail closed on typos).
    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
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
