import Foundation
import JSON

/// Articles (flat records of strings and numbers) as `export_article_data` writes them.
enum ArticleExport {
    static func text(_ records: [JSONObject], format: String) -> String {
        let keys = records.flatMap(\.keys).reduce(into: [String]()) { keys, key in
            if !keys.contains(key) { keys.append(key) }
        }
        let value = { (record: JSONObject, key: String) -> String in
            guard let value = record[key], !value.isNull else { return "" }
            return value.stringValue ?? JSONWriter.string(value)
        }
        switch format {
        case "csv":
            return
                ([keys.joined(separator: ",")]
                + records.map { record in keys.map { KnowledgeTools.csvField(value(record, $0)) }.joined(separator: ",")
                })
                .joined(separator: "\n") + "\n"
        case "markdown":
            return "| title | type | file |\n|---|---|---|\n"
                + records.map { "| \(value($0, "title")) | \(value($0, "document_type")) | \(value($0, "filename")) |" }
                .joined(separator: "\n") + "\n"
        case "xml":
            // Element names are the keys, which are fixed names without characters XML forbids.
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<articles>\n"
                + records.map { record in
                    "  <article>\n"
                        + keys.filter { record[$0] != nil }.map { "    <\($0)>\(escaped(value(record, $0)))</\($0)>" }
                        .joined(separator: "\n") + "\n  </article>"
                }.joined(separator: "\n") + (records.isEmpty ? "" : "\n") + "</articles>\n"
        case "yaml":
            // JSON scalars are YAML scalars: every value is written as JSON.
            guard !records.isEmpty else { return "[]\n" }
            return records.map { record in
                record.enumerated().map { index, member in
                    (index == 0 ? "- " : "  ") + "\(member.key): " + JSONWriter.string(member.value)
                }.joined(separator: "\n")
            }.joined(separator: "\n") + "\n"
        default:
            return JSONWriter.string(.array(records.map { .object($0) }))
        }
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Characters XML 1.0 cannot hold at all are dropped.
            case _ where scalar.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(scalar.value): continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
