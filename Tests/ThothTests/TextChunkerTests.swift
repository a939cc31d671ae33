import Testing
import TextChunking

@testable import Thoth

/// Chunking with a word count standing in for the model's tokens, so sizes are easy to read.
@Suite struct TextChunkerTests {
    let words: (String) -> Int = { $0.split(whereSeparator: \.isWhitespace).count }

    @Test func shortTextIsOneChunk() {
        let chunker = TextChunker(size: 50, overlap: 5, tokens: words)
        #expect(chunker.chunks("# Title\n\nOne short paragraph.") == ["# Title\n\nOne short paragraph."])
    }

    @Test func noChunkExceedsTheSize() {
        let text = (1...40).map { "Paragraph \($0) has exactly six words." }.joined(separator: "\n\n")
        let chunks = TextChunker(size: 20, overlap: 6, tokens: words).chunks(text)
        #expect(chunks.count > 5)
        #expect(chunks.allSatisfy { words($0) <= 20 })
    }

    @Test func chunksOverlapWithTheTailOfThePreviousOne() {
        let text = (1...12).map { "Sentence number \($0) here." }.joined(separator: "\n\n")
        let chunks = TextChunker(size: 12, overlap: 4, tokens: words).chunks(text)
        #expect(chunks.count > 2)
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            let lastParagraph = previous.components(separatedBy: "\n\n").last!
            #expect(next.hasPrefix(lastParagraph))
        }
    }

    @Test func everyWordSurvivesChunking() {
        let text = (1...300).map { "w\($0)" }.joined(separator: " ")
        let chunks = TextChunker(size: 25, overlap: 0, tokens: words).chunks(text)
        let seen = chunks.flatMap { $0.split(separator: " ").map(String.init) }
        #expect(seen == (1...300).map { "w\($0)" })
    }

    @Test func aWordLongerThanAChunkIsCut() {
        let characters: (String) -> Int = { $0.count }
        let chunks = TextChunker(size: 10, overlap: 0, tokens: characters).chunks(String(repeating: "x", count: 35))
        #expect(chunks.map(\.count) == [10, 10, 10, 5])
    }

    @Test func whitespaceOnlyTextHasNoChunks() {
        #expect(TextChunker(size: 10, overlap: 2, tokens: words).chunks(" \n\n \n").isEmpty)
    }

    @Test func aNotesTitleIsItsFirstHeadingElseItsFileName() {
        let path = "/kb/usr_share_doc_README.md"
        #expect(MarkdownText.title(of: "intro\n# Exact search ##\n## More\n# Later", file: path) == "Exact search")
        #expect(MarkdownText.title(of: "```bash\n# not a title\n```\n# Real title\n", file: path) == "Real title")
        #expect(MarkdownText.title(of: "~~~\n# code\n```\n# still code\n~~~\n", file: path) == "usr share doc README")
        #expect(MarkdownText.title(of: "#hashtag\n## Section\n#\n", file: path) == "usr share doc README")
    }
}
