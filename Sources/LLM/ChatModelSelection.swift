import Foundation

/// Chooses the chat model from the configuration, in one place. The first that applies wins:
/// - `THOTH_LLM_BASE_URL`: any OpenAI-compatible server, key `THOTH_LLM_API_KEY` (optional);
/// - `API_ANTHROPIC_KEY` / `ANTHROPIC_API_KEY`: Anthropic's Messages API (`THOTH_ANTHROPIC_URL`),
///   unless an OpenRouter key is set too and the model is not a `claude-…` one;
/// - `API_OPENAI_KEY` with an `openai/…` model: OpenAI;
/// - `API_OPENROUTER_KEY`: OpenRouter;
/// - `API_MISTRAL_KEY`: Mistral;
/// - `API_OPENAI_KEY` / `OPENAI_API_KEY`: OpenAI (or `OPENAI_BASE_URL`).
/// The model is `THOTH_LLM_MODEL` / `LLM_MODEL` / `RAG_QA_MODEL`, else the provider's small default.
/// Nil when nothing is configured: Thoth then answers offline, from retrieved passages.
public enum ChatModelSelection {
    /// What a model is used for. Each role may name its own model, with the original's setting
    /// names; a role without one uses the general model.
    public enum Role: String, CaseIterable, Sendable {
        /// The research assistant's answers and the agent.
        case chat
        /// A paper's analysis in the PDF pipeline.
        case analysis
        /// Reading reference entries the parser is unsure of.
        case citations
        /// Suggesting and consolidating tags.
        case tags
        /// Judging discovered articles against research queries.
        case relevance

        /// The settings naming this role's own model, first found wins.
        public var modelSettings: [String] {
            switch self {
            case .chat: ["THOTH_RESEARCH_AGENT_LLM_MODEL", "RESEARCH_AGENT_LLM_MODEL"]
            case .analysis: ["THOTH_ANALYSIS_LLM_MODEL"]
            case .citations: ["THOTH_CITATION_LLM_MODEL", "CITATION_LLM_MODEL"]
            case .tags: ["THOTH_TAG_LLM_MODEL", "TAG_LLM_CONSOLIDATE_MODEL", "TAG_LLM_SUGGEST_MODEL"]
            case .relevance: ["THOTH_SCRAPE_FILTER_LLM_MODEL", "SCRAPE_FILTER_LLM_MODEL"]
            }
        }
    }

    /// The model for `role`: its own model setting when there is one, else the general one.
    public static func make(environment: [String: String], role: Role) -> (any ChatModel)? {
        guard let name = role.modelSettings.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else {
            return make(environment: environment)
        }
        var environment = environment
        environment["THOTH_LLM_MODEL"] = name
        return make(environment: environment)
    }

    public static func make(environment: [String: String]) -> (any ChatModel)? {
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        let model = value("THOTH_LLM_MODEL", "LLM_MODEL", "RAG_QA_MODEL")
        let temperature = value("THOTH_LLM_TEMPERATURE", "LLM_TEMPERATURE").flatMap(Double.init) ?? 0.2
        let maxTokens = value("THOTH_LLM_MAX_OUTPUT_TOKENS", "LLM_MAX_OUTPUT_TOKENS").flatMap(Int.init) ?? 2000
        let timeout = value("THOTH_LLM_TIMEOUT_SECONDS").flatMap(Double.init) ?? 120
        func make(_ base: String, _ name: String, key: String?) -> (any ChatModel)? {
            guard let url = URL(string: base), url.scheme != nil else { return nil }
            return OpenAICompatibleChatModel(
                baseURL: url, model: name, apiKey: key, temperature: temperature, maxTokens: maxTokens,
                timeout: timeout)
        }
        if let base = value("THOTH_LLM_BASE_URL") {
            return make(base, model ?? "default", key: value("THOTH_LLM_API_KEY"))
        }
        if let key = value("API_ANTHROPIC_KEY", "ANTHROPIC_API_KEY"),
            value("API_OPENROUTER_KEY") == nil || strip("anthropic/", model)?.hasPrefix("claude") == true,
            let url = URL(string: value("THOTH_ANTHROPIC_URL") ?? "https://api.anthropic.com"), url.scheme != nil
        {
            return AnthropicChatModel(
                baseURL: url, model: strip("anthropic/", model) ?? "claude-haiku-4-5", apiKey: key,
                temperature: temperature, maxTokens: maxTokens, timeout: timeout)
        }
        if let key = value("API_OPENAI_KEY", "OPENAI_API_KEY"), model?.hasPrefix("openai/") == true {
            return make(value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1", strip("openai/", model)!, key: key)
        }
        if let key = value("API_OPENROUTER_KEY") {
            return make("https://openrouter.ai/api/v1", model ?? "openai/gpt-4o-mini", key: key)
        }
        if let key = value("API_MISTRAL_KEY") {
            return make("https://api.mistral.ai/v1", strip("mistral/", model) ?? "mistral-small-latest", key: key)
        }
        if let key = value("API_OPENAI_KEY", "OPENAI_API_KEY") {
            return make(
                value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1", strip("openai/", model) ?? "gpt-4o-mini",
                key: key)
        }
        return nil
    }

    /// Provider-prefixed names (`openai/gpt-4o-mini`) are OpenRouter's; direct providers want the bare name.
    private static func strip(_ prefix: String, _ model: String?) -> String? {
        guard let model else { return nil }
        return model.hasPrefix(prefix) ? String(model.dropFirst(prefix.count)) : model
    }
}
