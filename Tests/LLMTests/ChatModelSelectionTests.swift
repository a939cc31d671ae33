import Testing

@testable import LLM

/// The original's routing: `anthropic/…` and `openai/…` go to those providers when their keys
/// are set, everything else to OpenRouter; and a model per role, each falling back to the
/// general one.
@Suite struct ChatModelSelectionTests {
    @Test func providerPrefixesRouteToTheirProviders() {
        let keys = ["API_OPENROUTER_KEY": "o", "API_OPENAI_KEY": "k", "API_ANTHROPIC_KEY": "a"]
        let openai = ChatModelSelection.make(environment: keys.merging(["LLM_MODEL": "openai/gpt-4o-mini"]) { $1 })
        #expect(openai?.endpoint == "https://api.openai.com/v1" && openai?.model == "gpt-4o-mini")
        let other = ChatModelSelection.make(environment: keys.merging(["LLM_MODEL": "mistralai/mistral-small"]) { $1 })
        #expect(other?.endpoint == "https://openrouter.ai/api/v1" && other?.model == "mistralai/mistral-small")
        let claude = ChatModelSelection.make(environment: keys.merging(["LLM_MODEL": "anthropic/claude-x"]) { $1 })
        #expect(claude is AnthropicChatModel && claude?.model == "claude-x")
    }

    @Test func eachRoleMayNameItsOwnModel() {
        let environment = [
            "API_OPENROUTER_KEY": "o", "API_ANTHROPIC_KEY": "a", "LLM_MODEL": "openai/gpt-4o-mini",
            "CITATION_LLM_MODEL": "anthropic/claude-haiku-4-5", "THOTH_TAG_LLM_MODEL": "google/gemini-flash",
            "RESEARCH_AGENT_LLM_MODEL": "",
        ]
        let model = { (role: ChatModelSelection.Role) in ChatModelSelection.make(environment: environment, role: role) }
        #expect(model(.chat)?.model == "openai/gpt-4o-mini" && model(.analysis)?.model == "openai/gpt-4o-mini")
        #expect(model(.citations) is AnthropicChatModel && model(.citations)?.model == "claude-haiku-4-5")
        #expect(model(.tags)?.model == "google/gemini-flash" && model(.relevance)?.model == "openai/gpt-4o-mini")
        #expect(ChatModelSelection.make(environment: ["TAG_LLM_SUGGEST_MODEL": "x"], role: .tags) == nil)
    }
}
