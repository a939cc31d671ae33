import Foundation

/// Tags as people spell them: `LLM`, `llms`, `#large-language-models` and `Large Language Models`
/// are one tag. Near-duplicates are found by a normalised key (case, accents, separators, a
/// plural), by acronym (`llm` is `large language model`'s initials) and, when the caller gives
/// them, by pairs the embedding model finds similar.
public enum TagNames {
    /// Lower case, no accents, no `#`, words split on spaces, `-`, `_` and `/`, the last one singular.
    public static func key(_ tag: String) -> String {
        let folded = tag.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var words = folded.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        if let last = words.last { words[words.count - 1] = singular(last) }
        return words.joined(separator: " ")
    }

    static func singular(_ word: String) -> String {
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
    }

    /// The initials of a key of two words or more (`large language model` → `llm`).
    static func acronym(_ key: String) -> String? {
        let words = key.split(separator: " ")
        return words.count >= 2 ? String(words.compactMap(\.first)) : nil
    }

    /// The tags in groups of near-duplicates (groups of one left out), each group's first tag the
    /// one to keep: the most used, then an acronym-like spelling, then the shortest.
    public static func groups(_ uses: [String: Int], similar: [(String, String)] = []) -> [[String]] {
        let tags = uses.keys.sorted()
        var parent = Dictionary(uniqueKeysWithValues: tags.map { ($0, $0) })
        func root(_ tag: String) -> String {
            var tag = tag
            while parent[tag]! != tag { tag = parent[tag]! }
            return tag
        }
        func join(_ a: String, _ b: String) {
            let (ra, rb) = (root(a), root(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        let keys = Dictionary(uniqueKeysWithValues: tags.map { ($0, key($0)) })
        var byKey: [String: String] = [:]
        for tag in tags {
            guard let k = keys[tag], !k.isEmpty else { continue }
            if let other = byKey[k] { join(other, tag) } else { byKey[k] = tag }
        }
        for tag in tags {
            if let initials = keys[tag].flatMap(acronym), let short = byKey[initials] { join(short, tag) }
        }
        for (a, b) in similar where parent[a] != nil && parent[b] != nil { join(a, b) }
        let grouped = Dictionary(grouping: tags, by: root).values.filter { $0.count > 1 }
        return grouped.map { group in
            group.sorted { a, b in
                let rank = { (tag: String) in (uses[tag] ?? 0, tag == tag.uppercased() ? 1 : 0, -tag.count) }
                let (ra, rb) = (rank(a), rank(b))
                return ra != rb ? ra > rb : a < b
            }
        }.sorted { $0[0] < $1[0] }
    }
}
