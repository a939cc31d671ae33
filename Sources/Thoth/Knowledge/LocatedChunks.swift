import Foundation
import TextChunking

/// A chunk with where it sits in its file: the page range (from the `## Page N` sections the PDF
/// pipeline writes) and the section heading above it, so an answer can cite "paper, p. 4".
struct LocatedChunk {
    var text: String
    var page: Int?
    var section: String?
}

extension TextChunker {
    /// Chunks that never cross a page boundary, each with its page and section.
    func locatedChunks(_ text: Substring) -> [LocatedChunk] {
        var located: [LocatedChunk] = []
        var section: String?
        for segment in Self.pages(text) {
            let chunks = chunks(String(segment.text))
            let headings = Self.headings(segment.text)
            var cursor = segment.text.startIndex
            for chunk in chunks {
                // A chunk is a trimmed run of the segment's text; find where it starts.
                let probe = String(chunk.prefix(60))
                let start = segment.text.range(of: probe, range: cursor..<segment.text.endIndex)?.lowerBound ?? cursor
                if let heading = headings.last(where: { $0.position <= start }) { section = heading.title }
                located.append(LocatedChunk(text: chunk, page: segment.page, section: section))
                cursor = start < segment.text.endIndex ? segment.text.index(after: start) : start
            }
            if let last = headings.last { section = last.title }
        }
        return located
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

    /// Markdown headings other than page headings, with where each starts.
    static func headings(_ text: Substring) -> [(position: Substring.Index, title: String)] {
        var headings: [(Substring.Index, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#"), !line.hasPrefix("## Page ") {
                let title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
                if !title.isEmpty { headings.append((line.startIndex, title)) }
            }
        }
        return headings
    }
}
