import Citations
import Foundation
import Testing

/// Real CrossRef records formatted by citeproc-py in five real CSL styles (see
/// `Tests/Fixtures/citations`), read back by the extractor: the fields must come back.
@Suite struct RoundTripTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/citations").standardizedFileURL

    struct Record: Decodable {
        struct Name: Decodable {
            var family: String?
            var literal: String?
        }
        struct Issued: Decodable { var dateParts: [[Int]]? }
        var id: String
        var title: String
        var DOI: String
        var author: [Name]
        var issued: Issued?

        enum CodingKeys: String, CodingKey { case id, title, DOI, author, issued }
    }

    static func records() throws -> [String: Record] {
        let decoder = JSONDecoder()
        let data = try Data(contentsOf: folder.appendingPathComponent("records.json"))
        // CSL-JSON spells it "date-parts".
        let fixed = String(decoding: data, as: UTF8.self).replacingOccurrences(
            of: "\"date-parts\"", with: "\"dateParts\"")
        return Dictionary(
            uniqueKeysWithValues: try decoder.decode([Record].self, from: Data(fixed.utf8)).map { ($0.id, $0) })
    }

    /// Letters and digits, lowercased, accents folded: styles change case and punctuation.
    static func key(_ text: String?) -> String {
        (text ?? "").folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .unicodeScalars.filter(CharacterSet.alphanumerics.contains).map(String.init).joined()
    }

    struct Score: CustomStringConvertible {
        var entries = 0
        /// Entries the list was split into.
        var found = 0
        var author = 0
        var year = 0
        var title = 0
        var doiPrinted = 0
        var doi = 0
        var misses: [String] = []
        func share(_ count: Int) -> Double { Double(count) / Double(max(entries, 1)) }
        var description: String {
            "\(entries) records, \(found) entries: first author \(author), year \(year), title \(title), DOI \(doi)/\(doiPrinted)"
        }
    }

    /// Each record is looked for among the parsed entries (by its DOI in the entry, else by its
    /// title), so one badly split entry costs its own records only; a record not found counts
    /// as missed on every field.
    static func score(_ style: String) throws -> Score {
        let records = try Self.records()
        let order = try JSONDecoder().decode(
            [String].self, from: Data(contentsOf: folder.appendingPathComponent("order_\(style).json")))
        let text = try String(contentsOf: folder.appendingPathComponent("references_\(style).txt"), encoding: .utf8)
        let section = try #require(ReferenceList.section(in: text))
        let entries = ReferenceList.entries(section)
        let keys = entries.map { key($0) }
        var score = Score()
        score.entries = order.count
        for id in order {
            let record = try #require(records[id])
            let doi = record.DOI.lowercased()
            guard
                let index = entries.firstIndex(where: { $0.lowercased().contains(doi) })
                    ?? keys.firstIndex(where: { $0.contains(key(record.title)) })
            else {
                score.misses.append("not found: \(record.title)")
                continue
            }
            let entry = entries[index]
            let parsed = ReferenceParser.parse(entry)
            let family = record.author.first.flatMap { $0.family ?? $0.literal }
            var missed: [String] = []
            if key(parsed.firstAuthorFamily) == key(family) { score.author += 1 } else { missed.append("author") }
            if parsed.year == record.issued?.dateParts?.first?.first { score.year += 1 } else { missed.append("year") }
            if key(parsed.title) == key(record.title) { score.title += 1 } else { missed.append("title") }
            if entry.lowercased().contains(doi) {
                score.doiPrinted += 1
                if parsed.doi == doi { score.doi += 1 } else { missed.append("doi") }
            }
            if !missed.isEmpty {
                score.misses.append(
                    "\(missed): \(entry)\n    → \(parsed.authors) | \(parsed.year ?? 0) | \(parsed.title ?? "")")
            }
        }
        score.found = entries.count
        return score
    }

    @Test(arguments: ["ieee", "apa", "modern-language-association", "chicago-author-date", "harvard-cite-them-right"])
    func fieldsComeBack(style: String) throws {
        let score = try Self.score(style)
        print("\(style): \(score)")
        for miss in score.misses.prefix(12) { print("  " + miss) }
        #expect(score.entries == 119 && abs(score.found - 119) <= 2)
        #expect(score.share(score.author) >= 0.95, "\(style) first author")
        #expect(score.share(score.year) >= 0.95, "\(style) year")
        #expect(score.share(score.title) >= 0.95, "\(style) title")
        #expect(score.doi == score.doiPrinted, "\(style) DOI")
    }
}
