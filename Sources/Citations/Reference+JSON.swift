import JSON

extension Reference {
    /// The fields as `thoth citations extract --json` and `/citations/extract` give them.
    public var json: JSONObject {
        let text = { (value: String?) in value.map { JSONValue.string($0) } ?? .null }
        return [
            "authors": .array(authors.map { .string($0) }), "title": text(title),
            "year": year.map { .int(Int64($0)) } ?? .null, "venue": text(venue), "volume": text(volume),
            "issue": text(issue), "pages": text(pages), "publisher": text(publisher), "type": text(type),
            "month": month.map { .int(Int64($0)) } ?? .null, "day": day.map { .int(Int64($0)) } ?? .null,
            "doi": text(doi), "arxiv_id": text(arxivID), "url": text(url),
            "raw": .string(raw), "resolved_by": text(resolvedBy),
        ]
    }

    /// A reference from its `json` form (absent fields stay empty).
    public init(json object: JSONObject) {
        self.init(raw: object["raw"]?.stringValue ?? "")
        authors = object["authors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        title = object["title"]?.stringValue
        year = object["year"]?.intValue.map { Int($0) }
        venue = object["venue"]?.stringValue
        volume = object["volume"]?.stringValue
        issue = object["issue"]?.stringValue
        pages = object["pages"]?.stringValue
        publisher = object["publisher"]?.stringValue
        type = object["type"]?.stringValue
        month = object["month"]?.intValue.map { Int($0) }
        day = object["day"]?.intValue.map { Int($0) }
        doi = object["doi"]?.stringValue
        arxivID = object["arxiv_id"]?.stringValue
        url = object["url"]?.stringValue
        resolvedBy = object["resolved_by"]?.stringValue
    }
}
