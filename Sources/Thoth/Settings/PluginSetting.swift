import JSON

/// One setting as the Obsidian plugin names it (camelCase), the environment name Thoth reads,
/// and how it is checked. This table is the one definition behind `/config/schema`,
/// `/config/defaults`, `/config/export`, `/config/import`, `/config/validate` and
/// `/agent/sync-settings`.
public struct PluginSetting: Sendable {
    public enum Kind: Sendable {
        case secret
        case text
        case url
        case path
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        case choice([String])
    }

    public let key: String
    public let environment: String
    public let kind: Kind
    public let defaultValue: String?
    public let description: String
    /// Whether a change applies at once (keys, the chat model) or after a restart.
    public let live: Bool
    /// Listen addresses and ports are the operator's, set in the environment; a request to
    /// the server must not be able to move or expose it.
    public var settableOverHTTP: Bool { !["THOTH_API_HOST", "THOTH_API_PORT"].contains(environment) }

    /// The setting a client names by plugin key or environment name (any case, `THOTH_` optional).
    public static func named(_ name: String) -> PluginSetting? {
        let upper = name.uppercased()
        return all.first {
            $0.key.lowercased() == name.lowercased() || $0.environment == upper || $0.environment == "THOTH_" + upper
        }
    }

    /// The environment names run-time changes may set.
    public static let settableEnvironment = Set(all.filter(\.settableOverHTTP).map(\.environment))

    /// Why `value` is not acceptable, or nil.
    public func problem(with value: JSONValue) -> String? {
        if value.isNull { return nil }
        guard let text = PluginSettings.settingText(value) else { return "\(key) must be a single value" }
        switch kind {
        case .secret, .text, .path: return nil
        case .url:
            return text.isEmpty || text.hasPrefix("http://") || text.hasPrefix("https://")
                ? nil : "\(key) must be an http(s) URL"
        case .integer(let range):
            guard let number = Int(text), range.contains(number) else {
                return "\(key) must be an integer in \(range.lowerBound)…\(range.upperBound)"
            }
            return nil
        case .number(let range):
            guard let number = Double(text), range.contains(number) else {
                return "\(key) must be a number in \(range.lowerBound)…\(range.upperBound)"
            }
            return nil
        case .choice(let choices):
            return choices.contains(text.lowercased())
                ? nil : "\(key) must be one of \(choices.joined(separator: ", "))"
        }
    }

    public var schema: JSONValue {
        var entry: JSONObject = [
            "key": .string(key), "env": .string(environment), "description": .string(description),
            "applies": .string(live ? "immediately" : "after restart"),
        ]
        switch kind {
        case .secret: entry["type"] = "secret"
        case .text: entry["type"] = "string"
        case .url: entry["type"] = "url"
        case .path: entry["type"] = "path"
        case .integer(let range):
            entry["type"] = "integer"
            entry["minimum"] = .int(Int64(range.lowerBound))
            entry["maximum"] = .int(Int64(range.upperBound))
        case .number(let range):
            entry["type"] = "number"
            entry["minimum"] = .double(range.lowerBound)
            entry["maximum"] = .double(range.upperBound)
        case .choice(let choices):
            entry["type"] = "choice"
            entry["choices"] = .array(choices.map { .string($0) })
        }
        entry["default"] = defaultValue.map { .string($0) } ?? .null
        return .object(entry)
    }

    public static let all: [PluginSetting] = [
        .init(
            key: "mistralKey", environment: "API_MISTRAL_KEY", kind: .secret, defaultValue: nil,
            description: "Mistral API key (chat model, OCR)", live: true),
        .init(
            key: "openrouterKey", environment: "API_OPENROUTER_KEY", kind: .secret, defaultValue: nil,
            description: "OpenRouter API key (chat model)", live: true),
        .init(
            key: "openaiKey", environment: "API_OPENAI_KEY", kind: .secret, defaultValue: nil,
            description: "OpenAI API key (chat model, embeddings)", live: true),
        .init(
            key: "opencitationsKey", environment: "API_OPENCITATIONS_KEY", kind: .secret, defaultValue: nil,
            description: "OpenCitations API key (citation enrichment)", live: true),
        .init(
            key: "semanticScholarKey", environment: "API_SEMANTICSCHOLAR_API_KEY", kind: .secret, defaultValue: nil,
            description: "Semantic Scholar API key", live: true),
        .init(
            key: "webSearchKey", environment: "API_WEB_SEARCH_KEY", kind: .secret, defaultValue: nil,
            description: "Web search (Serper) API key", live: false),
        .init(
            key: "braveSearchKey", environment: "API_BRAVE_KEY", kind: .secret, defaultValue: nil,
            description: "Brave Search API key (web search)", live: false),
        .init(
            key: "anthropicKey", environment: "API_ANTHROPIC_KEY", kind: .secret, defaultValue: nil,
            description: "Anthropic API key (chat model, Messages API)", live: true),
        .init(
            key: "llmModel", environment: "THOTH_LLM_MODEL", kind: .text, defaultValue: nil,
            description: "Chat model name (default: the provider's small model)", live: true),
        .init(
            key: "researchAgentModel", environment: "THOTH_RESEARCH_AGENT_LLM_MODEL", kind: .text, defaultValue: nil,
            description: "Model for the research assistant and agent (default: the chat model)", live: true),
        .init(
            key: "analysisModel", environment: "THOTH_ANALYSIS_LLM_MODEL", kind: .text, defaultValue: nil,
            description: "Model for analysing papers (default: the chat model)", live: true),
        .init(
            key: "citationModel", environment: "THOTH_CITATION_LLM_MODEL", kind: .text, defaultValue: nil,
            description: "Model for reading uncertain references (default: the chat model)", live: true),
        .init(
            key: "tagModel", environment: "THOTH_TAG_LLM_MODEL", kind: .text, defaultValue: nil,
            description: "Model for suggesting and consolidating tags (default: the chat model)", live: true),
        .init(
            key: "relevanceModel", environment: "THOTH_SCRAPE_FILTER_LLM_MODEL", kind: .text, defaultValue: nil,
            description: "Model for judging discovered articles (default: the chat model)", live: true),
        .init(
            key: "llmBaseUrl", environment: "THOTH_LLM_BASE_URL", kind: .url, defaultValue: nil,
            description: "Any OpenAI-compatible server for the chat model", live: true),
        .init(
            key: "llmTemperature", environment: "THOTH_LLM_TEMPERATURE", kind: .number(0...2), defaultValue: "0.2",
            description: "Chat model temperature", live: true),
        .init(
            key: "llmMaxOutputTokens", environment: "THOTH_LLM_MAX_OUTPUT_TOKENS", kind: .integer(1...200_000),
            defaultValue: "2000", description: "Longest chat model answer, in tokens", live: true),
        .init(
            key: "agentTimeoutSeconds", environment: "THOTH_AGENT_TIMEOUT_SECONDS", kind: .number(1...3600),
            defaultValue: "300", description: "Longest wait for an answer", live: false),
        .init(
            key: "embeddingModel", environment: "THOTH_RAG_EMBEDDING_MODEL", kind: .text,
            defaultValue: "all-MiniLM-L6-v2", description: "Embedding model for RAG", live: false),
        .init(
            key: "ragChunkSize", environment: "THOTH_RAG_CHUNK_SIZE", kind: .integer(16...8192), defaultValue: "500",
            description: "Chunk size in model tokens", live: false),
        .init(
            key: "ragChunkOverlap", environment: "THOTH_RAG_CHUNK_OVERLAP", kind: .integer(0...4096),
            defaultValue: "50", description: "Tokens shared by neighbouring chunks", live: false),
        .init(
            key: "ragDefaultK", environment: "THOTH_RAG_DEFAULT_K", kind: .integer(1...100), defaultValue: "4",
            description: "Passages retrieved per question", live: false),
        .init(
            key: "workspaceDirectory", environment: "THOTH_WORKSPACE_DIR", kind: .path, defaultValue: ".",
            description: "Workspace folder", live: false),
        .init(
            key: "notesDirectory", environment: "THOTH_NOTES_DIR", kind: .path, defaultValue: "notes",
            description: "Notes folder (the Obsidian vault's Thoth folder)", live: false),
        .init(
            key: "pdfDirectory", environment: "THOTH_PDF_DIR", kind: .path, defaultValue: "pdfs",
            description: "PDF folder", live: false),
        .init(
            key: "endpointHost", environment: "THOTH_API_HOST", kind: .text, defaultValue: "127.0.0.1",
            description: "API address", live: false),
        .init(
            key: "endpointPort", environment: "THOTH_API_PORT", kind: .integer(1...65535), defaultValue: "8000",
            description: "API port", live: false),
        .init(
            key: "logLevel", environment: "THOTH_LOG_LEVEL", kind: .choice(["debug", "info", "warning", "error"]),
            defaultValue: "info", description: "Log level", live: false),
    ]
}
