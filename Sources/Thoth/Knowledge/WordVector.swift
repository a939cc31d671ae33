import Foundation
import VectorStore

/// The words of a text as a BM25 sparse vector, what the knowledge base's words search
/// matches: lowercased runs of letters and digits, English stop words dropped, plurals and
/// simple verb endings folded (Harman's S-stemmer and `-ing`/`-ed`), each word hashed (FNV-1a,
/// 32 bits) to a dimension weighted by BM25's saturating term frequency. The inverse document
/// frequency is the store's to apply at search time, over the collection as it is then.
public enum WordVector {
    /// BM25's term-frequency saturation and length normalisation, with Chroma's BM25 defaults.
    static let k1: Float = 1.2
    static let b: Float = 0.75
    static let averageLength: Float = 256

    public static func encode(_ text: String) -> SparseVector {
        let words = terms(text)
        guard !words.isEmpty else { return SparseVector(indices: [], values: []) }
        var counts: [UInt32: Float] = [:]
        for word in words { counts[hash(word), default: 0] += 1 }
        let length = Float(words.count)
        let sorted = counts.sorted { $0.key < $1.key }
        return SparseVector(
            indices: sorted.map(\.key),
            values: sorted.map { _, tf in tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength)) })
    }

    /// The text's words as they are matched.
    static func terms(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.filter { $0.count <= 40 && !stopWords.contains($0) }.map(stem)
    }

    /// Plural and verb endings folded, conservatively (a short word keeps its ending).
    static func stem(_ word: String) -> String {
        guard word.count > 3, word.unicodeScalars.allSatisfy({ $0.isASCII }) else { return word }
        if word.hasSuffix("ies"), !word.hasSuffix("eies"), !word.hasSuffix("aies") {
            return String(word.dropLast(3)) + "y"
        }
        if word.hasSuffix("es"), !["aes", "ees", "oes"].contains(where: word.hasSuffix) {
            return String(word.dropLast())
        }
        if word.hasSuffix("s"), !word.hasSuffix("us"), !word.hasSuffix("ss") { return String(word.dropLast()) }
        if word.count > 5, word.hasSuffix("ing") { return String(word.dropLast(3)) }
        if word.count > 4, word.hasSuffix("ed"), !word.hasSuffix("eed") { return String(word.dropLast(2)) }
        return word
    }

    static func hash(_ word: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in word.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return hash
    }

    static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having",
        "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it",
        "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
        "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should",
        "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
        "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
        "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
        "yours", "yourself", "yourselves",
    ]
}
