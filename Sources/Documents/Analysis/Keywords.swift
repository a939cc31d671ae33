/// A paper's most frequent terms, for tags when it states no keywords: two-word terms that
/// recur are preferred to single words, and common English words never count.
enum Keywords {
    static func top(in text: String, count: Int) -> [String] {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init)
        var singles: [String: Int] = [:]
        var pairs: [String: Int] = [:]
        var previous: String?
        for word in words {
            guard word.count >= 4, !stopWords.contains(word), !word.hasPrefix("-") else {
                previous = nil
                continue
            }
            singles[word, default: 0] += 1
            if let previous { pairs["\(previous) \(word)", default: 0] += 1 }
            previous = word
        }
        let ranked =
            pairs.filter { $0.value >= 3 }.map { ($0.key, $0.value * 2) }
            + singles.filter { $0.value >= 3 }.map { ($0.key, $0.value) }
        var chosen: [String] = []
        for (term, _) in ranked.sorted(by: { ($0.1, $1.0) > ($1.1, $0.0) }) {
            if chosen.count == count { break }
            if chosen.contains(where: { $0.contains(term) || term.contains($0) }) { continue }
            chosen.append(term)
        }
        return chosen
    }

    static let stopWords: Set<String> = [
        "about", "above", "after", "again", "against", "also", "although", "among", "another", "because", "been",
        "before", "being", "below", "between", "both", "could", "does", "doing", "down", "during", "each", "either",
        "else", "even", "every", "from", "further", "have", "having", "here", "however", "into", "itself", "just",
        "less", "like", "made", "make", "many", "more", "most", "much", "must", "need", "only", "other", "ours",
        "over", "same", "several", "should", "show", "shows", "shown", "since", "some", "such", "than", "that",
        "their", "them", "then", "there", "these", "they", "this", "those", "through", "thus", "under", "until",
        "upon", "used", "uses", "using", "very", "well", "were", "what", "when", "where", "whether", "which",
        "while", "with", "within", "without", "would", "your", "will", "they", "each", "paper", "figure", "table",
        "section", "results", "result", "based", "approach", "method", "methods", "work", "first", "second",
        "third", "given", "different", "number", "large", "small", "high", "higher", "lower", "following", "example",
        "case", "cases", "data", "model", "models", "propose", "proposed", "present", "study", "new", "use", "one",
        "two", "three", "also", "can", "may", "our", "we", "the", "and", "for", "are", "not", "all", "has", "its",
        "which", "where", "whose", "therefore", "thereby", "likely", "often", "always", "never", "each",
    ]
}
