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

    /// A note's title as a reader sees it: its first level-one heading (`# Title`, outside code
    /// blocks), else the file name's (`usr_share_doc_README.md` is not a title anyone gave it).
    public static func title(of body: some StringProtocol, file path: String) -> String {
        var fence: Substring?
        for line in body.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop(while: { $0 == " " })
            for marker in ["```", "~~~"] where trimmed.hasPrefix(marker) {
                fence = fence == nil ? Substring(marker) : (trimmed.hasPrefix(fence!) ? nil : fence)
            }
            guard fence == nil, trimmed.hasPrefix("# ") else { continue }
            // A closing run of #s is not part of the title ("# Title ##").
            var title = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces)
            while title.hasSuffix("#") { title.removeLast() }
            title = title.trimmingCharacters(in: .whitespaces)
            if !title.isEmpty { return title }
        }
        return title(fromFile: path)
    }

    /// A title from a file name: the stem with `_` and `-` turned into spaces.
    public static func title(fromFile path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            .replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
    }
}
