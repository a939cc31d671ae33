import Citations
import Testing

@Suite struct ReferencesSectionTests {
    let entries = [
        ReferencesSection.Entry(raw: "Berg, B. (2024). Beta.", note: "Beta graphs"),
        ReferencesSection.Entry(raw: "Unknown, U. (1999). Elsewhere.", note: nil),
    ]

    @Test func rendersWikilinksOrMarkdownLinks() {
        let wiki = ReferencesSection.render(entries, format: .wikilink)
        #expect(wiki.contains("1. Berg, B. (2024). Beta. — [[Beta graphs]]\n2. Unknown, U. (1999). Elsewhere.\n"))
        let uri = ReferencesSection.render(entries, format: .uri)
        #expect(uri.contains("— [Beta graphs](Beta%20graphs.md)"))
    }

    @Test func replacesItsOwnSectionAndKeepsTheRest() {
        let first = ReferencesSection.replacing(
            in: "# Note\n\nBody.\n", with: ReferencesSection.render(Array(entries.prefix(1)), format: .wikilink))
        #expect(first.hasPrefix("# Note\n\nBody.\n\n<!-- thoth:references -->"))
        let edited = first + "\nA line the user added.\n"
        let second = ReferencesSection.replacing(in: edited, with: ReferencesSection.render(entries, format: .wikilink))
        #expect(second.components(separatedBy: ReferencesSection.start).count == 2)
        #expect(second.contains("2. Unknown") && second.hasSuffix("\nA line the user added.\n"))
    }
}
