import Foundation

/// BERT's uncased tokenizer: the basic tokenizer (clean control characters, pad CJK
/// ideographs, lower-case, strip accents, split punctuation) followed by greedy
/// longest-match WordPiece over `vocab.txt`, as Hugging Face's `BertTokenizer` does.
struct BertTokenizer: Sendable {
    let vocabulary: [String: Int32]
    let unknown: Int32, classifier: Int32, separator: Int32, padding: Int32
    /// Words longer than this (in characters) become `[UNK]`, as in the reference.
    let maxCharactersPerWord = 100

    init(vocabularyFile path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw EmbeddingError("Cannot read the vocabulary \(path)")
        }
        var vocabulary: [String: Int32] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let token = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if !token.isEmpty, vocabulary[token] == nil { vocabulary[token] = Int32(index) }
        }
        guard let unknown = vocabulary["[UNK]"], let classifier = vocabulary["[CLS]"],
            let separator = vocabulary["[SEP]"], let padding = vocabulary["[PAD]"]
        else { throw EmbeddingError("\(path) lacks BERT's special tokens") }
        self.vocabulary = vocabulary
        (self.unknown, self.classifier, self.separator, self.padding) = (unknown, classifier, separator, padding)
    }

    /// Token ids with `[CLS]` and `[SEP]`, truncated to `maxLength` ids in all.
    func encode(_ text: String, maxLength: Int) -> [Int32] {
        var ids: [Int32] = [classifier]
        // Every word gives one piece at least, so no more words than places are read: a long
        // text costs what its first `maxLength` words cost.
        for word in basicTokens(text, limit: max(0, maxLength - 2)) {
            for id in wordPiece(word) {
                if ids.count == maxLength - 1 { return ids + [separator] }
                ids.append(id)
            }
        }
        return ids + [separator]
    }

    /// The words of the basic tokenizer: the first `limit` of them (all by default).
    func basicTokens(_ text: String, limit: Int = .max) -> [String] {
        var words: [String] = []
        var token = String.UnicodeScalarView()
        func endToken() {
            if !token.isEmpty { Self.appendWords(of: String(token), to: &words) }
            token = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if words.count >= limit { break }
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                endToken()
            } else if Self.isChineseCharacter(scalar) {
                endToken()
                token.append(scalar)
                endToken()
            } else {
                token.append(scalar)
            }
        }
        if words.count < limit { endToken() }
        return words.count > limit ? Array(words.prefix(limit)) : words
    }

    /// The words of one whitespace-separated token: lower-cased, accents stripped, punctuation
    /// split off.
    private static func appendWords(of token: String, to words: inout [String]) {
        if token.utf8.allSatisfy({ $0 < 0x80 }) {
            appendASCIIWords(token[...], to: &words)
            return
        }
        // Lower-case, then strip accents: decompose and drop combining marks.
        let folded = token.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
        }
        var current = String.UnicodeScalarView()
        for scalar in folded {
            if isPunctuation(scalar) {
                if !current.isEmpty { words.append(String(current)) }
                current = String.UnicodeScalarView()
                words.append(String(scalar))
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
    }

    /// What the general path gives for ASCII, without Unicode tables: lower-casing is A–Z only,
    /// nothing decomposes, and punctuation is `isASCIIPunctuation`.
    private static func appendASCIIWords(_ token: Substring, to words: inout [String]) {
        var current: [UInt8] = []
        for byte in token.utf8 {
            if isASCIIPunctuation(byte) {
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
                words.append(String(decoding: [byte], as: UTF8.self))
            } else {
                current.append((65...90).contains(byte) ? byte + 32 : byte)
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
    }

    /// Greedy longest-match-first WordPiece; a word with no full segmentation is `[UNK]`.
    func wordPiece(_ word: String) -> [Int32] {
        let characters = Array(word.unicodeScalars)
        if characters.count > maxCharactersPerWord { return [unknown] }
        var pieces: [Int32] = []
        var start = 0
        while start < characters.count {
            var end = characters.count
            var found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(characters[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else { return [unknown] }
            pieces.append(found)
            start = end
        }
        return pieces
    }

    // MARK: - Character classes, as the reference tokenizer defines them

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r": return true
        default: return scalar.isASCII ? false : scalar.properties.generalCategory == .spaceSeparator
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        case _ where scalar.isASCII: return scalar.value < 32 || scalar.value == 127
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: return true
            default: return false
            }
        }
    }

    /// The reference counts all non-alphanumeric printable ASCII as punctuation.
    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (33...47).contains(byte) || (58...64).contains(byte) || (91...96).contains(byte) || (123...126).contains(byte)
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isASCIIPunctuation(UInt8(scalar.value)) }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
