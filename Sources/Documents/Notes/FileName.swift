import Foundation

/// File names made from paper titles: characters that Obsidian links or file systems refuse
/// removed, whitespace collapsed, length bounded; and a free name found when one is taken.
public enum FileName {
    /// "Attention: Is All You Need?" → "Attention Is All You Need".
    public static func cleaned(_ title: String, maxLength: Int = 120) -> String {
        let refused = CharacterSet(charactersIn: "/\\:*?\"<>|#^[]{}%").union(.controlCharacters)
        let kept = String(String.UnicodeScalarView(title.unicodeScalars.filter { !refused.contains($0) }))
        var name = kept.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while name.hasPrefix(".") { name.removeFirst() }
        if name.count > maxLength {
            name = String(name.prefix(maxLength))
            if let space = name.lastIndex(of: " "), name.distance(from: name.startIndex, to: space) > maxLength / 2 {
                name = String(name[..<space])
            }
        }
        // A trailing dot would run into the extension ("Title..md").
        return name.trimmingCharacters(in: CharacterSet(charactersIn: " ."))
    }

    /// `base + ext` in `folder`, or `base (2) + ext`, `base (3) + ext`…: the first for which
    /// `isFree` holds.
    public static func free(
        _ base: String, extension ext: String, in folder: String, isFree: (String) -> Bool
    ) -> String {
        var attempt = 1
        while true {
            let name = attempt == 1 ? base + ext : "\(base) (\(attempt))\(ext)"
            let path = (folder as NSString).appendingPathComponent(name)
            if isFree(path) { return path }
            attempt += 1
        }
    }
}
