import Testing

@testable import Thoth

@Suite struct TagNamesTests {
    @Test func spellingsOfOneTagShareAKey() {
        #expect(TagNames.key("#Large-Language_Models") == "large language model")
        #expect(TagNames.key("LLMs") == "llm" && TagNames.key("llm") == "llm")
        #expect(TagNames.key("Ontologies") == "ontology" && TagNames.key("Analysis") == "analysis")
        #expect(
            TagNames.key("Café") == "cafe" && TagNames.key("corpus") == "corpus" && TagNames.key("class") == "class")
    }

    @Test func groupsJoinKeysAcronymsAndSimilarPairs() {
        let uses = ["LLM": 2, "llms": 1, "Large Language Models": 1, "RAG": 3, "neural nets": 1, "neural networks": 4]
        #expect(
            TagNames.groups(uses, similar: [("neural nets", "neural networks")]) == [
                ["LLM", "llms", "Large Language Models"], ["neural networks", "neural nets"],
            ])
        #expect(
            TagNames.groups(["RAG": 1, "retrieval augmented generation": 1]) == [
                ["RAG", "retrieval augmented generation"]
            ])
        #expect(TagNames.groups(["graphs": 1, "search": 1]).isEmpty)
        // A pair naming a tag not in use is ignored, never a crash.
        #expect(TagNames.groups(["a": 1], similar: [("a", "zzz")]).isEmpty)
    }
}
