import Testing

@testable import Citations

/// What a title search may be trusted with: nearly the same title, and the same first author.
@Suite struct EnrichmentMatchTests {
    func reference(_ title: String, _ authors: [String]) -> Reference {
        var reference = Reference(raw: "")
        reference.title = title
        reference.authors = authors
        return reference
    }

    @Test func acceptsTheSamePaperAndRefusesNeighbours() {
        let parsed = reference("Augmenting large language models with chemistry tools", ["A. M. Bran", "S. Cox"])
        #expect(
            ReferenceEnricher.isMatch(
                parsed, reference("Augmenting Large Language Models with Chemistry Tools.", ["Andres M. Bran"])))
        #expect(
            !ReferenceEnricher.isMatch(
                parsed, reference("Augmenting large language models with biology tools", ["Andres M. Bran"])))
        #expect(
            !ReferenceEnricher.isMatch(
                parsed, reference("Augmenting large language models with chemistry tools", ["Jack NoScientist"])))
        #expect(
            ReferenceEnricher.isMatch(
                reference("Ökologie der Wälder heute", []), reference("Okologie der Walder heute", ["X"])))
    }

    @Test func fillsOnlyWhatIsMissing() {
        var parsed = reference("A title", ["Family, G."])
        parsed.year = 2020
        var found = reference("A Title (Revised)", ["Given Family"])
        found.year = 2021
        found.doi = "10.1/x"
        found.venue = "Journal"
        let merged = ReferenceEnricher.merged(parsed, with: found, from: "crossref")
        #expect(merged.year == 2020 && merged.title == "A title" && merged.authors == ["Family, G."])
        #expect(merged.doi == "10.1/x" && merged.venue == "Journal" && merged.resolvedBy == "crossref")
    }
}
