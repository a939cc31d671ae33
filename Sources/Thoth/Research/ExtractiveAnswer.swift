import Foundation

/// The offline answer: without a language model, the sentences of the retrieved passages that
/// share the most words with the question, quoted with their sources, and a plain statement
/// that this is what happened.
enum ExtractiveAnswer {
    static func compose(question: String, passages: [Passage], reason: String) -> String {
        let terms = words(question)
        var candidates: [(sentence: String, title: String, score: Double, order: Int)] = []
        for (rank, passage) in passages.enumerated() {
            for sentence in sentences(passage.content) {
                let overlap = Double(words(sentence).intersection(terms).count)
                // Ties go to the better passage, then to document order.
                candidates.append(
                    (sentence, passage.citation, overlap + passage.score / 10, rank * 10_000 + candidates.count))
            }
        }
        let chosen = candidates.sorted { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }.prefix(3)
        guard !chosen.isEmpty else {
            return "\(reason) Nothing in the knowledge base matches this question yet; index your notes with "
                + "`thoth rag index` and ask again."
        }
        let quotes = chosen.sorted { $0.order < $1.order }.map { "- \"\($0.sentence)\" (\($0.title))" }
        return "\(reason) The most relevant passages from your notes:\n\n" + quotes.joined(separator: "\n")
    }

    static func words(_ text: String) -> Set<String> {
        Set(
            text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter {
                $0.count > 2 && !stopWords.contains($0)
            })
    }

    /// Sentences end at `.`, `!` or `?` before whitespace, and at line breaks (lists, headings).
    static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        /// Headings and fragments of fewer than four words are not worth quoting.
        func finish() {
            let line = current.trimmingCharacters(in: .whitespaces)
            let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: ">*- "))
            if !line.hasPrefix("#"), trimmed.split(separator: " ").count >= 4 { result.append(trimmed) }
            current = ""
        }
        var previous: Character = " "
        for character in text {
            if character.isNewline {
                finish()
            } else if character.isWhitespace, ".!?".contains(previous) {
                finish()
            } else {
                current.append(character)
            }
            previous = character
        }
        finish()
        return result
    }

    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out",
        "has", "have", "what", "which", "who", "whom", "this", "that", "these", "those", "with", "from", "into", "does",
        "did", "how", "why", "when", "where", "about", "there", "their", "they", "them", "then", "than", "its",
        "been", "were", "will", "would", "should", "could", "also", "such", "some", "more", "most",
    ]
}
