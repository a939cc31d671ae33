import Foundation

/// Markdown as it is indexed: image syntax replaced by its alt text, so a note with figures is
/// indexed for its words instead of being skipped (the original skipped such files).
public enum MarkdownText {
    /// `![alt](url)`, `![[file.png]]` and `<img …>` removed, keeping any alt text.
    public static func strippingImages(_ text: String) -> String {
        var result = text
        for (pattern, template) in rules {
            result = pattern.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }

    private static let rules: [(NSRegularExpression, String)] = [
        (try! NSRegularExpression(pattern: #"!\[([^\]]*)\]\([^)]*\)"#), "$1"),
        (try! NSRegularExpression(pattern: #"!\[\[[^\]]*\]\]"#), ""),
        (
            try! NSRegularExpression(pattern: #"<img\b[^>]*?(?:alt="([^"]*)")?[^>]*>"#, options: [.caseInsensitive]),
            "$1"
        ),
    ]

    /// A title from a file name: the stem with `_` and `-` turned into spaces.
    public static func title(fromFile path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            .replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
    }
}
