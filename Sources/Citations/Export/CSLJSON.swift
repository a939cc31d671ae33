import JSON

/// References as CSL-JSON, the input of every CSL processor (citeproc-js, pandoc, citeproc-py).
public enum CSLJSON {
    public static func export(_ references: [Reference]) -> JSONValue {
        .array(
            references.enumerated().map { index, reference in
                var item: JSONObject = [
                    "id": .string("ref\(index + 1)"),
                    "type": .string(
                        BibTeX.entryType(reference) == "article"
                            ? "article-journal"
                            : BibTeX.entryType(reference) == "inproceedings" ? "paper-conference" : "article"),
                ]
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
                if let year = reference.year { item["issued"] = ["date-parts": [[.int(Int64(year))]]] }
                if let venue = reference.venue { item["container-title"] = .string(venue) }
                if let volume = reference.volume { item["volume"] = .string(volume) }
                if let issue = reference.issue { item["issue"] = .string(issue) }
                if let pages = reference.pages { item["page"] = .string(pages) }
                if let doi = reference.doi { item["DOI"] = .string(doi) }
                if let url = reference.url { item["URL"] = .string(url) }
                return .object(item)
            })
    }
}
