import Citations
import Foundation
import Testing

/// The parser meets text cut anywhere (a page break, a truncated PDF, a stray line): it reads
/// what it can and never traps.
@Suite struct RobustnessTests {
    @Test func everyCutOfEveryEntryParses() throws {
        let text = try String(
            contentsOf: RoundTripTests.folder.appendingPathComponent("references_chicago-author-date.txt"),
            encoding: .utf8)
        let entries = ReferenceList.entries(ReferenceList.section(in: text) ?? text).prefix(30)
        var parsed = 0
        for entry in entries {
            let characters = Array(entry)
            for cut in stride(from: 0, through: characters.count, by: 3) {
                _ = ReferenceParser.parse(String(characters[..<cut]))
                _ = ReferenceParser.parse(String(characters[cut...]))
                parsed += 2
            }
        }
        #expect(parsed > 1000)
    }

    @Test func oddInputs() {
        for input in [
            "", " ", ".", ",", "[1]", "[1]", "(", ")", "(2020", "(n.d.", "“", "“”", "‘’’", "\"", "10.", "10.1234/",
            "doi:", "https://", "arXiv:", ", , ,", "and", "&", "et al.", "(2020).", "Smith, J. (2020). ",
            "[12] “”, , 1999", "-, -", "1. 2. 3.",
        ] {
            let reference = ReferenceParser.parse(input)
            #expect(reference.raw == input)
        }
        #expect(ReferenceList.entries("").isEmpty && ReferenceList.section(in: "") == nil)
        #expect(ReferenceList.entries("[1]\n[2]\n[3]").count == 3)
    }
}
