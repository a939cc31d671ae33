import JSON

/// References as CSL-JSON, the input of every CSL processor (citeproc-js, pandoc, citeproc-py),
/// and back: CrossRef's `/works` records are CSL-JSON too.
public enum CSLJSON {
    public static func export(_ references: [Reference]) -> JSONValue {
        .array(
            references.enumerated().map { index, reference in
                var item: JSONObject = ["id": .string("ref\(index + 1)"), "type": .string(type(reference))]
                if let title = reference.title { item["title"] = .string(title) }
                if !reference.authors.isEmpty {
                    item["author"] = .array(
                        reference.authors.map { author in
                            let person = PersonName(author)
                            return person.given.isEmpty
                                ? ["literal": .string(person.family)]
                                : ["family": .string(person.family), "given": .string(person.given)]
                        })
                }
                if let year = reference.year {
                    let parts = [year, reference.month, reference.month == nil ? nil : reference.day]
                    item["issued"] = ["date-parts": [.array(parts.prefix { $0 != nil }.map { .int(Int64($0!)) })]]
                }
                if let venue = reference.venue { item["container-title"] = .string(venue) }
                if let volume = reference.volume { item["volume"] = .string(volume) }
                if let issue = reference.issue { item["issue"] = .string(issue) }
                if let pages = reference.pages { item["page"] = .string(pages) }
                if let publisher = reference.publisher { item["publisher"] = .string(publisher) }
                if let doi = reference.doi { item["DOI"] = .string(doi) }
                if let url = reference.url { item["URL"] = .string(url) }
                return .object(item)
            })
    }

    /// The references in a CSL-JSON item or array of items. Names become "Family, Given" (a
    /// literal name stays as written); a field of the wrong kind is left out, never guessed.
    public static func references(_ value: JSONValue) -> [Reference] {
        let items = value.arrayValue ?? [value]
        return items.compactMap(\.objectValue).map(reference)
    }

    /// Whether `object` looks like a CSL-JSON item rather than a reference's own `json`.
    public static func isItem(_ object: JSONObject) -> Bool {
        object["author"] != nil || object["issued"] != nil || object["container-title"] != nil
            || object["DOI"] != nil || object["page"] != nil
    }

    static func reference(_ item: JSONObject) -> Reference {
        let text = { (key: String) -> String? in
            // CrossRef gives titles and containers as one-element lists, numbers sometimes as numbers.
            let value = item[key]
            let string = value?.stringValue ?? value?.arrayValue?.first?.stringValue ?? value?.intValue.map(String.init)
            return string.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        }
        let title = text("title")
        var reference = Reference(raw: title ?? "")
        reference.title = title
        reference.authors = (item["author"]?.arrayValue ?? []).compactMap(\.objectValue).compactMap { name in
            let part = { (key: String) in name[key]?.stringValue?.trimmed ?? "" }
            if let literal = name["literal"]?.stringValue ?? name["name"]?.stringValue { return literal.trimmed }
            let family = [part("non-dropping-particle"), part("family")].filter { !$0.isEmpty }.joined(separator: " ")
            let given = [part("given"), part("dropping-particle")].filter { !$0.isEmpty }.joined(separator: " ")
            if family.isEmpty || given.isEmpty { return family.isEmpty ? (given.isEmpty ? nil : given) : family }
            return "\(family), \(given)"
        }
        for key in ["issued", "published-print", "published-online", "created"] {
            guard let parts = item[key]?.objectValue?["date-parts"]?.arrayValue?.first?.arrayValue else { continue }
            let numbers = parts.map { $0.intValue ?? $0.stringValue.flatMap { Int64($0) } }
            guard let year = numbers.first.flatMap({ $0 }), (-9999...9999).contains(year) else { continue }
            reference.year = Int(year)
            if numbers.count > 1, let month = numbers[1], (1...12).contains(month) {
                reference.month = Int(month)
                if numbers.count > 2, let day = numbers[2], (1...31).contains(day) { reference.day = Int(day) }
            }
            break
        }
        reference.type = text("type")
        reference.venue = text("container-title")
        reference.volume = text("volume")
        reference.issue = text("issue")
        reference.pages = text("page")
        reference.publisher = text("publisher")
        reference.doi = text("DOI")
        reference.url = text("URL")
        return reference
    }

    /// The item type: the reference's own, else guessed from its venue as the BibTeX export does.
    static func type(_ reference: Reference) -> String {
        if let type = reference.type { return type }
        switch BibTeX.entryType(reference) {
        case "article": return "article-journal"
        case "inproceedings": return "paper-conference"
        default: return "article"
        }
    }
}
