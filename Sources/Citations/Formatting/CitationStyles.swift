import Foundation

/// The CSL style files a user can format with, found by name in a list of folders (the user's
/// own first, then Debian's `citation-style-language-styles`): `apa` is `apa.csl`. The five
/// styles the original offered keep their short names (`mla`, `chicago`, `harvard`).
public struct CitationStyles: Sendable {
    public static let debianFolder = "/usr/share/citation-style-language/styles"
    /// The original's style names and the CSL files that print them.
    public static let aliases = [
        "ieee": "ieee", "apa": "apa", "mla": "modern-language-association", "chicago": "chicago-author-date",
        "harvard": "harvard-cite-them-right",
    ]

    public let folders: [String]

    public init(folders: [String]) { self.folders = folders }

    /// The style file for `name` (a short name, a file name with or without `.csl`), nil when no
    /// folder has it. Only names are looked up, never paths: a name with a slash finds nothing.
    public func file(named name: String) -> String? {
        var name = name.trimmingCharacters(in: .whitespaces)
        if name.hasSuffix(".csl") { name.removeLast(4) }
        name = Self.aliases[name.lowercased()] ?? name
        guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
        else { return nil }
        return folders.lazy.map { "\($0)/\(name).csl" }.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// How many styles the folders hold (a name counted once).
    public var count: Int {
        Set(
            folders.flatMap { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".csl") }
            }
        ).count
    }
}
