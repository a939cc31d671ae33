import Foundation
import JSON

/// The YAML front matter of a note, as far as indexing reads it: `key: value` lines whose values
/// are plain, quoted (JSON-style, as the note template writes them) or `[a, b]` lists.
struct FrontMatter {
    var values: [String: JSONValue] = [:]
    /// The text after the front matter.
    var body: Substring

    init(_ text: String) {
        body = text[...]
        guard text.hasPrefix("---\n") else { return }
        let rest = text.dropFirst(4)
        guard
            let end = rest.range(of: "\n---\n")
                ?? (rest.hasSuffix("\n---") ? rest.range(of: "\n---", options: .backwards) : nil)
        else { return }
        for line in rest[..<end.lowerBound].split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("-") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let raw = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !raw.isEmpty, raw != "null", raw != "~" else { continue }
            if let parsed = try? JSONReader.parse(raw) {
                values[key] = parsed
            } else if raw.hasPrefix("["), raw.hasSuffix("]") {
                values[key] = .array(
                    raw.dropFirst().dropLast().split(separator: ",").map {
                        .string(
                            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                                in: CharacterSet(charactersIn: "'\"")))
                    })
            } else {
                values[key] = .string(raw.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")))
            }
        }
        body = rest[end.upperBound...]
    }

    func string(_ key: String) -> String? {
        switch values[key] {
        case .string(let text): text.isEmpty ? nil : text
        case .int(let number): String(number)
        case .array(let items):
            items.isEmpty
                ? nil : items.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }.joined(separator: ", ")
        default: nil
        }
    }

    /// The metadata a chunk of this file carries: bibliographic fields, flattened to what
    /// Chroma metadata holds (strings and integers; lists joined with ", ").
    var metadata: JSONObject {
        var metadata: JSONObject = [:]
        for key in ["authors", "doi", "journal", "tags", "source_pdf"] {
            if let value = string(key) { metadata[key] = .string(value) }
        }
        if let year = values["year"]?.intValue ?? string("year").flatMap({ Int64($0) }) {
            metadata["year"] = .int(year)
        }
        return metadata
    }

    /// `text` with the front matter's `changes` set (values written as JSON, which YAML reads);
    /// a front matter is added when there is none.
    static func replacing(_ changes: JSONObject, in text: String) -> String {
        var lines: [String]
        var body: Substring
        if text.hasPrefix("---\n"), let end = text.dropFirst(4).range(of: "\n---\n") {
            lines = text.dropFirst(4)[..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(
                String.init)
            body = text[end.upperBound...]
        } else {
            lines = []
            body = text[...]
        }
        for (key, value) in changes {
            let line = "\(key): " + JSONWriter.string(value)
            if let index = lines.firstIndex(where: { $0.hasPrefix("\(key):") }) {
                lines[index] = line
            } else {
                lines.append(line)
            }
        }
        return "---\n" + lines.joined(separator: "\n") + "\n---\n" + body
    }
}
