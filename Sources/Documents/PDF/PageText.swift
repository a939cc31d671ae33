import Foundation

/// Clean-up of text as it comes off a PDF page (Poppler already joins most hyphenated words;
/// OCR text does not): words hyphenated at line ends joined again (keeping the hyphen of
/// compounds the document also writes whole, like "well-known"), running page numbers, spaces
/// at line ends and runs of blank lines dropped.
enum PageText {
    private static let hyphens: Set<Character> = ["-", "\u{00AD}", "\u{2010}"]
    /// Running page numbers: "3", "-3-", "– 3 –", "Page 3", "Page 3 of 12".
    private static let pageNumber = try! NSRegularExpression(
        pattern: #"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)\s*$"#,
        options: [.caseInsensitive])

    /// Cleans every page, with the compounds of the whole document in view.
    static func clean(_ pages: [String]) -> [String] {
        let split = pages.map {
            $0.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        }
        // Poppler joins most hyphenations itself; the compounds are only needed when some remain.
        let compounds = split.contains { $0.contains(where: endsHyphenated) } ? Self.compounds(pages) : []
        return split.map { clean($0, compounds: compounds) }
    }

    static func clean(_ page: String, compounds: Set<String>) -> String {
        clean(
            page.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false),
            compounds: compounds)
    }

    private static func clean(_ original: [Substring], compounds: Set<String>) -> String {
        var lines = original
        // A word cut at a line's end ("charac-" / "terization") is joined on the first line.
        for index in lines.indices.dropLast() where endsHyphenated(lines[index]) {
            let next = lines[index + 1].drop { $0 == " " || $0 == "\t" }
            let tail = next.prefix { $0.isLetter && $0.isLowercase }
            guard !tail.isEmpty else { continue }
            let cut = lines[index].dropLast()
            let head = String(cut.reversed().prefix(while: \.isLetter).reversed())
            let keep = compounds.contains("\(head)-\(tail)".lowercased())
            lines[index] = Substring(cut + (keep ? "-" : "") + tail)
            lines[index + 1] = next.dropFirst(tail.count).drop { $0 == " " || $0 == "\t" }
        }
        var kept: [Substring] = []
        var blank = 0
        for line in lines {
            let trimmed = line.trimmingTrailingWhitespace
            if isPageNumber(trimmed) { continue }
            if trimmed.isEmpty {
                blank += 1
                if blank > 1 { continue }
            } else {
                blank = 0
            }
            kept.append(trimmed)
        }
        return String(kept.joined(separator: "\n").trimmedWhitespace)
    }

    /// "charac-": a letter, then a hyphen, ending the line.
    private static func endsHyphenated(_ line: Substring) -> Bool {
        guard let last = line.last, hyphens.contains(last) else { return false }
        return line.dropLast().last?.isLetter == true
    }

    /// Hyphenated words written whole somewhere in the document ("well-known"), lowercased.
    private static func compounds(_ pages: [String]) -> Set<String> {
        var found = Set<String>()
        for page in pages {
            for word in page.split(whereSeparator: \.isWhitespace) where word.contains("-") {
                let core = word.drop { !$0.isLetter }.reversed().drop { !$0.isLetter }.reversed()
                let parts = core.split(separator: "-", omittingEmptySubsequences: false)
                if parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isLetter) }) {
                    found.insert(String(core).lowercased())
                }
            }
        }
        return found
    }

    /// Page-number lines are short and hold a digit; only those are worth the pattern.
    private static func isPageNumber(_ line: Substring) -> Bool {
        guard line.utf8.count <= 24, line.contains(where: \.isNumber) else { return false }
        let whole = String(line)
        return pageNumber.firstMatch(in: whole, range: NSRange(whole.startIndex..., in: whole)) != nil
    }
}

extension Substring {
    fileprivate var trimmingTrailingWhitespace: Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[startIndex..<end]
    }
}
