import JSON

extension Reference {
    /// The fields as `thoth citations extract --json` and `/citations/extract` give them.
    public var json: JSONObject {
        let text = { (value: String?) in value.map { JSONValue.string($0) } ?? .null }
        return [
            "authors": .array(authors.map { .string($0) }), "title": text(title),
            "year": year.map { .int(Int64($0)) } ?? .null, "venue": text(venue), "volume": text(volume),
            "issue": text(issue), "pages": text(pages), "doi": text(doi), "arxiv_id": text(arxivID), "url": text(url),
            "raw": .string(raw), "resolved_by": text(resolvedBy),
        ]
    }
}
