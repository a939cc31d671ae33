import Foundation

/// A paper's text seen as a reader scans it: its first lines (title, authors, venue), the
/// abstract, numbered or well-known section headings and the sentences of its prose.
struct PaperText {
    /// Every non-empty line, trimmed, in reading order.
    let lines: [String]
    /// Lines of the first page.
    let firstPage: [String]
    /// The first two pages, where DOIs and venues are printed.
    let frontText: String
    /// Paragraphs with their line breaks joined; headings and short lines dropped.
    let prose: String
    let sentences: [String]
    /// Index into `lines` and the heading's text.
    let headings: [(line: Int, title: String)]

    init(_ document: PDFText) {
        let pageLines = document.pages.map { page in
            page.split(separator: "\n").map { String($0.trimmedWhitespace) }.filter { !$0.isEmpty }
        }
        lines = pageLines.flatMap { $0 }
        firstPage = pageLines.first { !$0.isEmpty } ?? []
        frontText = document.pages.prefix(2).joined(separator: "\n")
        headings = lines.enumerated().compactMap { index, line in
            Self.isHeading(line) ? (index, line) : nil
        }
        let headingLines = Set(headings.map(\.line))
        var paragraphs: [String] = []
        var current: [String] = []
        for (index, line) in lines.enumerated() {
            // Headings and lines of numbers or symbols (page numbers, table cells) end a paragraph.
            if headingLines.contains(index) || line.filter(\.isLetter).count * 2 < line.count {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        prose = paragraphs.joined(separator: "\n")
        sentences = paragraphs.flatMap(Self.sentences).filter { sentence in
            let words = sentence.split(separator: " ").count
            let letters = sentence.filter(\.isLetter).count
            return (8...60).contains(words) && letters * 10 >= sentence.count * 6
        }
    }

    private static let numbered = try! NSRegularExpression(
        pattern: #"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+[A-Z][^.!?:;]{1,70}$"#)
    static let knownSections: Set<String> = [
        "abstract", "introduction", "background", "related work", "related works", "prior work", "method",
        "methods", "methodology", "approach", "model", "data", "dataset", "datasets", "experiments",
        "experimental setup", "setup", "evaluation", "results", "discussion", "analysis", "conclusion",
        "conclusions", "limitations", "future work", "references", "bibliography", "acknowledgements",
        "acknowledgments", "evaluation metrics", "metrics", "findings", "materials and methods",
    ]

    static func isHeading(_ line: String) -> Bool {
        guard let first = line.first, line.utf8.count <= 240, line.count <= 80 else { return false }
        if first.isNumber || "IVX".contains(first),
            numbered.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        {
            // "2019 Elsevier Ltd" and "3 Results in table" style lines: headings have few words.
            return line.split(separator: " ").count <= 8 && !line.hasSuffix(",")
        }
        // Named sections are a few words long.
        return line.utf8.count <= 40 && knownSections.contains(sectionName(line))
    }

    /// "3.2 Related Work" → "related work".
    static func sectionName(_ heading: String) -> String {
        var words = heading.split(separator: " ")
        if let first = words.first,
            first.allSatisfy({ $0.isNumber || $0 == "." })
                || (first.hasSuffix(".") && first.dropLast().allSatisfy { "IVX".contains($0) })
        {
            words.removeFirst()
        }
        return words.joined(separator: " ").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".: "))
    }

    private static let sentenceEnd = try! NSRegularExpression(pattern: #"(?<=[.!?])\s+(?=[A-Z(“"])"#)

    static func sentences(_ paragraph: String) -> [String] {
        var sentences: [String] = []
        var start = paragraph.startIndex
        for match in sentenceEnd.matches(in: paragraph, range: NSRange(paragraph.startIndex..., in: paragraph)) {
            guard let range = Range(match.range, in: paragraph) else { continue }
            let sentence = paragraph[start..<range.lowerBound]
            // "et al. Smith" and "Fig. 3" end no sentence.
            if sentence.hasSuffix("al.") || sentence.hasSuffix("Fig.") || sentence.hasSuffix("e.g.")
                || sentence.hasSuffix("i.e.") || sentence.hasSuffix("Eq.")
            {
                continue
            }
            sentences.append(String(sentence))
            start = range.upperBound
        }
        sentences.append(String(paragraph[start...]))
        return sentences.map { String($0.trimmedWhitespace) }.filter { !$0.isEmpty }
    }

    // MARK: - Front matter

    /// The first line of the first page that reads like a title: a few words, mostly letters,
    /// not a running header (arXiv stamp, venue, page number).
    var titleLine: String? {
        firstPage.prefix(12).first { line in
            let words = line.split(separator: " ").count
            let lower = line.lowercased()
            return (2...25).contains(words) && line.filter(\.isLetter).count * 10 >= line.count * 7
                && !lower.hasPrefix("arxiv") && !lower.contains("journal") && !lower.contains("proceedings")
                && !lower.contains("preprint") && !lower.contains("http") && !Self.isHeading(line)
        }
    }

    /// Names printed between the title and the abstract.
    func authors(after title: String) -> [String] {
        guard let titleIndex = firstPage.firstIndex(of: title) else { return [] }
        var names: [String] = []
        for line in firstPage[(titleIndex + 1)...].prefix(12) {
            if Self.isHeading(line) || line.lowercased().hasPrefix("abstract") { break }
            let parts = line.replacingOccurrences(of: " and ", with: ",").split(separator: ",")
                .map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                        in: CharacterSet(charactersIn: "*†‡0123456789"))
                }
            let candidates = parts.filter(Self.looksLikeName)
            if candidates.isEmpty || candidates.count < parts.count { continue }
            names += candidates
        }
        return names
    }

    private static let institutionWords = [
        "university", "institute", "department", "laboratory", "lab", "school", "college", "inc", "ltd",
        "corporation", "center", "centre", "research", "abstract", "faculty",
    ]

    static func looksLikeName(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        guard (2...4).contains(words.count), !text.contains("@"), !text.contains(where: \.isNumber) else {
            return false
        }
        let particles: Set<String> = ["van", "von", "de", "der", "da", "di", "la", "le", "du", "del"]
        return words.allSatisfy { word in
            particles.contains(String(word)) || (word.first?.isUppercase == true && word.count <= 20)
        }
            && !words.contains {
                institutionWords.contains($0.lowercased().trimmingCharacters(in: .punctuationCharacters))
            }
    }

    private static let yearPattern = try! NSRegularExpression(pattern: #"\b(19[5-9]\d|20\d\d)\b"#)

    /// The year printed on the first page next to a copyright, a venue or an arXiv stamp, else
    /// the most frequent year there.
    var year: Int? {
        var counts: [Int: Int] = [:]
        for line in firstPage {
            let lower = line.lowercased()
            let matches = Self.yearPattern.matches(in: line, range: NSRange(line.startIndex..., in: line))
            for match in matches {
                guard let range = Range(match.range, in: line), let year = Int(line[range]) else { continue }
                let marked =
                    lower.contains("©") || lower.contains("copyright") || lower.contains("arxiv")
                    || lower.contains("proceedings") || lower.contains("journal") || lower.contains("published")
                counts[year, default: 0] += marked ? 10 : 1
            }
        }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }

    /// A venue line of the first page, before any reference list (whose entries name venues too).
    var journal: String? {
        firstPage.prefix(40).prefix { !Self.referenceHeadings.contains(Self.headingWords($0)) }.first { line in
            let lower = line.lowercased()
            return line.count <= 120 && !lower.contains("doi") && !lower.contains("http")
                && (lower.contains("journal of") || lower.contains("proceedings of")
                    || lower.contains("transactions on")
                    || lower.contains("conference on"))
        }
    }

    private static let referenceHeadings: Set = ["references", "bibliography", "literature cited", "works cited"]

    /// A line as a heading's words: lower case, without numbering and punctuation around it.
    private static func headingWords(_ line: String) -> String {
        line.lowercased().trimmingCharacters(in: .punctuationCharacters.union(.whitespaces).union(.decimalDigits))
    }

    /// The text after an "Abstract" heading (or an "Abstract." run-in) up to the next heading.
    var abstract: String? {
        guard let start = lines.prefix(200).firstIndex(where: { $0.lowercased().hasPrefix("abstract") }) else {
            return nil
        }
        var body: [String] = []
        let runIn = lines[start].dropFirst("abstract".count).trimmingCharacters(
            in: CharacterSet(charactersIn: " .:—–-"))
        if !runIn.isEmpty { body.append(runIn) }
        for line in lines[(start + 1)...] {
            let lower = line.lowercased()
            if Self.isHeading(line) || lower.hasPrefix("keywords") || lower.hasPrefix("index terms") { break }
            body.append(line)
            if body.joined().count > 3000 { break }
        }
        let text = body.joined(separator: " ")
        return text.count >= 40 ? text : nil
    }

    /// Keywords the paper lists ("Keywords: a, b; c", "Index Terms—a, b").
    var statedKeywords: [String]? {
        guard
            let line = lines.prefix(300).first(where: {
                let lower = $0.lowercased()
                return lower.hasPrefix("keywords") || lower.hasPrefix("key words") || lower.hasPrefix("index terms")
            })
        else { return nil }
        guard let separator = line.firstIndex(where: { ":—–-.".contains($0) }) else { return nil }
        let keywords = PDFMetadata.keywords(String(line[line.index(after: separator)...]))
            .filter { $0.split(separator: " ").count <= 5 }
        return keywords.isEmpty ? nil : keywords
    }

    /// Sentences stating the paper's aim ("we propose", "this paper", "our goal").
    var objectives: String? {
        let cues = [
            "we propose", "we present", "we introduce", "this paper", "in this work", "our goal", "we aim",
            "we study", "this study", "we investigate",
        ]
        let found = sentences.filter { sentence in
            let lower = sentence.lowercased()
            return cues.contains { lower.contains($0) }
        }.prefix(3)
        return found.isEmpty ? nil : found.joined(separator: " ")
    }

    /// Analysis fields filled from the first sentences of the section that carries them.
    func sectionFields() -> [String: String] {
        let fields: [(field: String, names: [String])] = [
            ("methodology", ["method", "methods", "methodology", "approach", "model", "materials and methods"]),
            ("data", ["data", "dataset", "datasets"]),
            ("experimental_setup", ["experimental setup", "setup", "experiments"]),
            ("evaluation_metrics", ["evaluation metrics", "metrics", "evaluation"]),
            ("results", ["results", "findings"]),
            ("discussion", ["discussion", "analysis"]),
            ("limitations", ["limitations"]),
            ("future_work", ["future work", "conclusion", "conclusions"]),
            ("related_work", ["related work", "related works", "prior work", "background"]),
        ]
        var found: [String: String] = [:]
        for (position, heading) in headings.enumerated() {
            let name = Self.sectionName(heading.title)
            guard
                let field = fields.first(where: { $0.names.contains { name == $0 || name.hasPrefix($0 + " ") } })?
                    .field,
                found[field] == nil
            else { continue }
            let end = position + 1 < headings.count ? headings[position + 1].line : lines.count
            let body = lines[(heading.line + 1)..<end].joined(separator: " ")
            let sentences = Self.sentences(body).prefix(3)
            if !sentences.isEmpty { found[field] = sentences.joined(separator: " ") }
        }
        return found
    }
}
