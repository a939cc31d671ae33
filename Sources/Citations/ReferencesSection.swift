import JSON

/// The references section Thoth keeps in a paper's note: the paper's reference list, each entry
/// linked to the note of the cited paper when that paper is in the knowledge base. It sits
/// between two markers so it can be rewritten when a cited paper arrives later, whatever
/// template made the rest of the note.
public enum ReferencesSection {
    public static let start = "<!-- thoth:references -->"
    public static let end = "<!-- /thoth:references -->"

    /// How a link to a note is written (`CITATION_LINK_FORMAT`).
    public enum LinkFormat: String, Sendable {
        /// `[[Note name]]`, Obsidian's wikilink.
        case wikilink
        /// `[Note name](Note%20name.md)`, a plain markdown link.
        case uri
    }

    /// One entry: its printed text and the note (file name without `.md`) of the cited paper, if any.
    public struct Entry: Sendable, Equatable {
        public var raw: String
        public var note: String?
        public init(raw: String, note: String?) {
            self.raw = raw
            self.note = note
        }

        public var json: JSONObject { ["raw": .string(raw), "note": note.map { .string($0) } ?? .null] }
    }

    public static func render(_ entries: [Entry], format: LinkFormat) -> String {
        var lines = [start, "## References", ""]
        for (index, entry) in entries.enumerated() {
            var line = "\(index + 1). \(entry.raw)"
            if let note = entry.note { line += " — " + link(note, format: format) }
            lines.append(line)
        }
        lines.append(end)
        return lines.joined(separator: "\n") + "\n"
    }

    static func link(_ note: String, format: LinkFormat) -> String {
        switch format {
        case .wikilink: return "[[\(note)]]"
        case .uri:
            let escaped = note.unicodeScalars.map { scalar -> String in
                scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar))
                    || "-_.".unicodeScalars.contains(scalar)
                    ? String(scalar) : "%" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            }.joined()
            return "[\(note)](\(escaped).md)"
        }
    }

    /// `note` with its references section replaced by `section` (appended when it has none).
    public static func replacing(in note: String, with section: String) -> String {
        if let open = note.range(of: start), let close = note.range(of: end, range: open.upperBound..<note.endIndex) {
            var after = note[close.upperBound...]
            if after.first == "\n" { after = after.dropFirst() }
            return String(note[..<open.lowerBound]) + section + after
        }
        return note + (note.hasSuffix("\n") ? "\n" : "\n\n") + section
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
