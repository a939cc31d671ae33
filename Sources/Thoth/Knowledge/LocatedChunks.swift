import Foundation
import TextChunking

/// A chunk with where it sits in its file: the page range (from the `## Page N` sections the PDF
/// pipeline writes), the section heading above it and the headings it is under, and its lines,
/// so an answer can cite "paper, p. 4" or "file › heading, lines 12–30".
struct LocatedChunk {
    var text: String
    var page: Int?
    var section: String?
    /// The headings above the chunk, outermost first.
    var headingPath: [String] = []
    /// 1-based lines of the text the chunk spans.
    var lines: ClosedRange<Int>?
}

extension TextChunker {
    /// Chunks that never cross a page boundary, each with its page, section, heading path and
    /// lines (counted from `firstLine`, the line `text` starts on in its file).
    func locatedChunks(_ text: Substring, firstLine: Int = 1) -> [LocatedChunk] {
        var located: [LocatedChunk] = []
        var section: String?
        let allHeadings = Self.headings(text)
        for segment in Self.pages(text) {
            let chunks = chunks(String(segment.text))
            let headings = Self.headings(segment.text)
            var cursor = segment.text.startIndex
            for chunk in chunks {
                // A chunk is a trimmed run of the segment's text; find where it starts.
                let probe = String(chunk.prefix(60))
                let start = segment.text.range(of: probe, range: cursor..<segment.text.endIndex)?.lowerBound ?? cursor
                if let heading = headings.last(where: { $0.position <= start }) { section = heading.title }
                let line = firstLine + text[text.startIndex..<start].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
                let span = chunk.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
                located.append(
                    LocatedChunk(
                        text: chunk, page: segment.page, section: section,
                        headingPath: Self.path(allHeadings.filter { $0.position <= start }), lines: line...(line + span)
                    ))
                cursor = start < segment.text.endIndex ? segment.text.index(after: start) : start
            }
            if let last = headings.last { section = last.title }
        }
        return located
    }

    /// The headings still open at the end of `headings`: each one closes the deeper ones before it.
    static func path(_ headings: [(position: Substring.Index, title: String, level: Int)]) -> [String] {
        var open: [(title: String, level: Int)] = []
        for heading in headings {
            open.removeAll { $0.level >= heading.level }
            open.append((heading.title, heading.level))
        }
        return open.map(\.title)
    }

    private static let pageHeading = try! NSRegularExpression(pattern: #"(?m)^## Page (\d+)[ \t]*$"#)

    /// The text split at `## Page N` headings; text before the first has no page.
    static func pages(_ text: Substring) -> [(page: Int?, text: Substring)] {
        let whole = String(text)
        var segments: [(Int?, Substring)] = []
        var start = whole.startIndex
        var page: Int?
        for match in pageHeading.matches(in: whole, range: NSRange(whole.startIndex..., in: whole)) {
            guard let range = Range(match.range, in: whole), let number = Range(match.range(at: 1), in: whole) else {
                continue
            }
            segments.append((page, whole[start..<range.lowerBound]))
            page = Int(whole[number])
            start = range.upperBound
        }
        segments.append((page, whole[start...]))
        return segments.filter { !$0.1.allSatisfy(\.isWhitespace) }
    }

    /// Markdown headings other than page headings, with where each starts and its level.
    static func headings(_ text: Substring) -> [(position: Substring.Index, title: String, level: Int)] {
        var headings: [(Substring.Index, String, Int)] = []
        var fenced = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { fenced.toggle() }
            guard !fenced, line.hasPrefix("#"), !line.hasPrefix("## Page ") else { continue }
            let level = line.prefix(while: { $0 == "#" }).count
            let title = line.dropFirst(level).trimmingCharacters(in: .whitespaces)
            if level <= 6, line.dropFirst(level).first == " ", !title.isEmpty {
                headings.append((line.startIndex, title, level))
            }
        }
        return headings
    }
}
