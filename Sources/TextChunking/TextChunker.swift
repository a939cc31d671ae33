import Foundation

/// Splits text into chunks of at most `size` tokens, each starting with up to `overlap` tokens
/// of the previous one. Splits fall on paragraph breaks, then line breaks, then spaces, and only
/// inside a word when a single word is longer than a chunk (LangChain's recursive splitter).
public struct TextChunker {
    public let size: Int
    public let overlap: Int
    /// Tokens of a piece of text (the embedding model's own count).
    public let tokens: (String) -> Int

    public init(size: Int, overlap: Int, tokens: @escaping (String) -> Int) {
        self.size = max(1, size)
        self.overlap = min(max(0, overlap), self.size / 2)
        self.tokens = tokens
    }

    public func chunks(_ text: String) -> [String] {
        var pieces: [(text: String, tokens: Int)] = []
        split(text, separators: ["\n\n", "\n", " "], into: &pieces)
        var chunks: [String] = []
        var current: [(text: String, tokens: Int)] = []
        var currentTokens = 0
        for piece in pieces {
            if currentTokens + piece.tokens > size, !current.isEmpty {
                chunks.append(Self.join(current))
                // Carry the tail of the finished chunk over as context for the next one.
                var carried: [(text: String, tokens: Int)] = []
                var carriedTokens = 0
                for previous in current.reversed() {
                    if carriedTokens + previous.tokens > overlap
                        || carriedTokens + previous.tokens + piece.tokens > size
                    {
                        break
                    }
                    carried.insert(previous, at: 0)
                    carriedTokens += previous.tokens
                }
                current = carried
                currentTokens = carriedTokens
            }
            current.append(piece)
            currentTokens += piece.tokens
        }
        if !current.isEmpty { chunks.append(Self.join(current)) }
        return chunks.filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Pieces of at most `size` tokens, each keeping the separator that followed it.
    private func split(_ text: String, separators: [String], into pieces: inout [(text: String, tokens: Int)]) {
        let count = tokens(text)
        if count <= size {
            if !text.isEmpty { pieces.append((text, count)) }
            return
        }
        guard let separator = separators.first else {
            // One word longer than a chunk: cut it by characters.
            var start = text.startIndex
            while start < text.endIndex {
                var end = text.index(start, offsetBy: max(1, size), limitedBy: text.endIndex) ?? text.endIndex
                while end > text.index(after: start), tokens(String(text[start..<end])) > size {
                    end = text.index(start, offsetBy: text.distance(from: start, to: end) / 2)
                }
                let part = String(text[start..<end])
                pieces.append((part, tokens(part)))
                start = end
            }
            return
        }
        let parts = text.components(separatedBy: separator)
        for (index, part) in parts.enumerated() {
            let piece = index < parts.count - 1 ? part + separator : part
            split(piece, separators: Array(separators.dropFirst()), into: &pieces)
        }
    }

    private static func join(_ pieces: [(text: String, tokens: Int)]) -> String {
        pieces.map(\.text).joined().trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
