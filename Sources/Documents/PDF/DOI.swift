import Foundation

/// Digital Object Identifiers as they appear in text: `10.<registrant>/<suffix>`, also behind
/// `doi:` or a `doi.org` link. Trailing punctuation of the sentence is not part of it.
public enum DOI {
    private static let pattern = try! NSRegularExpression(pattern: #"\b10\.\d{4,9}/[^\s"<>{}|\\^`]+"#)

    /// The first DOI in `text`, lowercased (DOIs are case-insensitive).
    public static func first(in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = pattern.firstMatch(in: text, range: range), let found = Range(match.range, in: text) else {
            return nil
        }
        var doi = String(text[found])
        while let last = doi.last, ".,;:)]'".contains(last) {
            // A closing bracket belongs to the DOI only when it opened inside it.
            if last == ")" && doi.filter({ $0 == "(" }).count >= doi.filter({ $0 == ")" }).count { break }
            doi.removeLast()
        }
        return doi.lowercased()
    }
}
