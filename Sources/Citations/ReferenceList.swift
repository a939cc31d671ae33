import Foundation

/// A paper's reference list in its text: where it starts, and where each entry starts. Text from
/// a PDF has lost the layout (hanging indents, blank lines), so entries are found by how they
/// begin: a number (`[12]`, `12.`) in numbered styles, else a surname and a comma on a line
/// that follows the end of a sentence.
public enum ReferenceList {
    static let headings: Set<String> = [
        "references", "reference", "bibliography", "works cited", "literature cited", "cited literature",
        "literature", "references and notes", "sources",
    ]

    /// The text after the last references heading (a line that is only such a word, with an
    /// optional number or `#` marks in front), up to an appendix heading; nil without one.
    public static func section(in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.lastIndex(where: isHeading) else { return nil }
        var body: [String] = []
        for line in lines[(start + 1)...] {
            let key = headingKey(line)
            if key.hasPrefix("appendix") || key == "supplementary material" || key == "acknowledgements" { break }
            body.append(line)
        }
        return body.joined(separator: "\n")
    }

    /// The references of a text, each read into fields: those after its references heading, or,
    /// when it has none, the whole text read as a reference list.
    public static func references(in text: String) -> [Reference] {
        entries(section(in: text) ?? text).map(ReferenceParser.parse)
    }

    static func isHeading(_ line: String) -> Bool { headings.contains(headingKey(line)) }

    /// A line reduced to its words, lowercased: "## 7 References" → "references".
    static func headingKey(_ line: String) -> String {
        var text = line.trimmed
        guard text.count <= 40 else { return "" }
        while let first = text.first, first == "#" || first.isNumber || first == "." || first == " " {
            text.removeFirst()
        }
        return text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ": ."))
    }

    /// The entries of a reference list, each one line (wrapped lines joined; a line broken
    /// after a hyphen joined without a space).
    public static func entries(_ section: String) -> [String] {
        let lines = section.components(separatedBy: "\n").map(\.trimmed).filter { !$0.isEmpty && !isPageNoise($0) }
        guard !lines.isEmpty else { return [] }
        let starts: [Bool]
        if let numbered = numberedStarts(lines) {
            starts = numbered
        } else {
            starts = lines.indices.map { index in
                index == 0
                    || (endsEntry(lines[index - 1])
                        && (beginsWithAuthor(lines[index]) || beginsWithSoleName(lines[index])
                            || emptyFirstAuthor(lines[index])))
            }
        }
        var entries: [String] = []
        for (line, isStart) in zip(lines, starts) {
            if isStart || entries.isEmpty {
                entries.append(line)
            } else if entries[entries.count - 1].hasSuffix("-") {
                entries[entries.count - 1] += line
            } else {
                entries[entries.count - 1] += " " + line
            }
        }
        return entries
    }

    /// Lines that open a numbered entry, when the list is numbered: `[n]` or `n.` at line
    /// starts, counting up from 1 (a wrapped line that happens to begin with a number does not
    /// count, its number being out of sequence).
    static func numberedStarts(_ lines: [String]) -> [Bool]? {
        var starts = [Bool](repeating: false, count: lines.count)
        var expected = 1
        for (index, line) in lines.enumerated() {
            if let number = leadingNumber(line), number == expected {
                starts[index] = true
                expected += 1
            }
        }
        return expected > 2 ? starts : nil
    }

    /// `[12]`, `12.` or `(12)` at the start of a line.
    static func leadingNumber(_ line: String) -> Int? {
        var digits = ""
        var rest = Substring(line)
        if let first = rest.first, first == "[" || first == "(" { rest = rest.dropFirst() }
        while let first = rest.first, first.isASCII, first.isNumber, digits.count < 4 {
            digits.append(first)
            rest = rest.dropFirst()
        }
        guard !digits.isEmpty, let close = rest.first else { return nil }
        let opened = line.first == "[" || line.first == "("
        guard opened ? (close == "]" || close == ")") : (close == "." || close == " ") else { return nil }
        return Int(digits)
    }

    /// Whether a line can be the last of an entry: it ends a sentence (not an initial, which a
    /// wrapped author list ends lines with), a DOI or a URL.
    static func endsEntry(_ line: String) -> Bool {
        guard let last = line.last else { return false }
        if last == "." {
            let word = line.split(separator: " ").last ?? ""
            return !(word.count == 2 && word.first?.isUppercase == true)
        }
        let lastWord = line.split(separator: " ").last.map(String.init) ?? ""
        return lastWord.hasPrefix("http") || lastWord.hasPrefix("doi:") || lastWord.hasPrefix("10.")
    }

    /// "Surname, G" — one to four capitalised words (particles like "van" allowed), a comma, and
    /// a capital (an initial or a given name) — at the start of the line.
    static func beginsWithAuthor(_ line: String) -> Bool {
        guard let comma = line.firstIndex(of: ","), line.first?.isUppercase == true else { return false }
        let after = line[line.index(after: comma)...].drop { $0 == " " }
        guard after.first?.isUppercase == true else { return false }
        let name = line[..<comma]
        guard name.count <= 40 else { return false }
        let words = name.split(separator: " ")
        return !words.isEmpty && words.count <= 4
            && words.allSatisfy { word in
                word.first?.isUppercase == true || ["van", "von", "de", "der", "da", "di", "la", "le"].contains(word)
            }
            && name.allSatisfy { $0.isLetter || $0 == " " || $0 == "-" || $0 == "'" || $0 == "’" || $0 == "." }
    }

    /// A one-word author (an organisation, a name in a script without a comma form) and then
    /// the year or the quoted title: "조혜린. (2008).", "UNESCO (2019)", "조혜린. 2008.", "조혜린. “Title”".
    static func beginsWithSoleName(_ line: String) -> Bool {
        let words = line.split(separator: " ", maxSplits: 2)
        guard words.count >= 2, words[0].count >= 3, words[0].first?.isLetter == true,
            words[0].dropLast().allSatisfy(\.isLetter)
        else {
            return false
        }
        let second = words[1]
        if second.first == "“" { return words[0].hasSuffix(".") }
        let year = second.drop { $0 == "(" }.prefix(4)
        return year.count == 4 && year.allSatisfy(\.isNumber) && (second.first == "(" || words[0].hasSuffix("."))
    }

    /// An entry whose first author the record left empty or "-": ", & Rovira, J.", "and Rovira, J.",
    /// "-, S.". (After a line ending a sentence, not an initial, these cannot be a wrapped author list.)
    static func emptyFirstAuthor(_ line: String) -> Bool {
        line.hasPrefix(", ") || line.hasPrefix("-, ")
            || line.hasPrefix("and ") && beginsWithAuthor(String(line.dropFirst(4)))
    }

    /// Running heads and page numbers pdftotext leaves between pages.
    static func isPageNoise(_ line: String) -> Bool {
        line.allSatisfy(\.isNumber) || line.hasPrefix("## Page ")
    }
}
