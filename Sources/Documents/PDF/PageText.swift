import Foundation

/// Clean-up of text as it comes off a PDF page (Poppler already joins most hyphenated words;
/// OCR text does not): words hyphenated at line ends joined again (keeping the hyphen of
/// compounds the document also writes whole, like "well-known"), running page numbers, spaces
/// at line ends and runs of blank lines dropped.
enum PageText {
    private static let lineEndHyphen = try! NSRegularExpression(
        pattern: #"(\p{L}+)[-\u00AD\u2010]\n[ \t]*(\p{Ll}+)[ \t]*"#)
    private static let hyphenated = try! NSRegularExpression(pattern: #"\p{L}+-\p{L}+"#)
    /// Running page numbers: "3", "-3-", "– 3 –", "Page 3", "Page 3 of 12".
    private static let pageNumber = try! NSRegularExpression(
        pattern: #"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)\s*$"#,
        options: [.caseInsensitive])

    /// Cleans every page, with the compounds of the whole document in view.
    static func clean(_ pages: [String]) -> [String] {
        let compounds = Set(
            pages.flatMap { page in
                hyphenated.matches(in: page, range: NSRange(page.startIndex..., in: page)).compactMap {
                    Range($0.range, in: page).map { page[$0].lowercased() }
                }
            })
        return pages.map { clean($0, compounds: compounds) }
    }

    static func clean(_ page: String, compounds: Set<String>) -> String {
        var text = page.replacingOccurrences(of: "\r\n", with: "\n")
        var result = ""
        var last = text.startIndex
        for match in lineEndHyphen.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let whole = Range(match.range, in: text), let head = Range(match.range(at: 1), in: text),
                let tail = Range(match.range(at: 2), in: text)
            else { continue }
            let compound = "\(text[head])-\(text[tail])"
            result += text[last..<whole.lowerBound]
            result += compounds.contains(compound.lowercased()) ? compound : "\(text[head])\(text[tail])"
            result += "\n"
            last = whole.upperBound
        }
        result += text[last...]
        text = result
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingTrailingWhitespace
            let whole = String(trimmed)
            if pageNumber.firstMatch(in: whole, range: NSRange(whole.startIndex..., in: whole)) != nil { continue }
            if trimmed.isEmpty {
                blank += 1
                if blank > 1 { continue }
            } else {
                blank = 0
            }
            lines.append(trimmed)
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Substring {
    fileprivate var trimmingTrailingWhitespace: Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[startIndex..<end]
    }
}
