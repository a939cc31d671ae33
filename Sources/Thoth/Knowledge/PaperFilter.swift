import JSON

/// Which papers a search keeps, by the bibliographic fields their chunks carry: years go to
/// the store as a `where` filter; author, journal, tag and source file are matched here,
/// ignoring case, as parts of the comma-joined fields (Chroma's `where` has no substring test
/// on metadata).
public struct PaperFilter: Sendable {
    public var author: String?
    public var journal: String?
    public var tags: [String] = []
    public var yearFrom: Int?
    public var yearTo: Int?
    /// Part of the file's path.
    public var source: String?

    public init(
        author: String? = nil, journal: String? = nil, tags: [String] = [], yearFrom: Int? = nil, yearTo: Int? = nil,
        source: String? = nil
    ) {
        self.author = author.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        self.journal = journal.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        self.tags = tags.map { $0.lowercased().trimmingCharacters(in: ["#", " "]) }.filter { !$0.isEmpty }
        self.yearFrom = yearFrom
        self.yearTo = yearTo
        self.source = source.flatMap { $0.isEmpty ? nil : $0.lowercased() }
    }

    var needsTextMatch: Bool { author != nil || journal != nil || !tags.isEmpty || source != nil }

    var conditions: [JSONValue] {
        var conditions: [JSONValue] = []
        if let yearFrom { conditions.append(["year": ["$gte": .int(Int64(yearFrom))]]) }
        if let yearTo { conditions.append(["year": ["$lte": .int(Int64(yearTo))]]) }
        return conditions
    }

    func matches(_ metadata: JSONObject) -> Bool {
        func field(_ name: String) -> String { metadata[name]?.stringValue?.lowercased() ?? "" }
        if let author, !field("authors").contains(author) { return false }
        if let journal, !field("journal").contains(journal) { return false }
        if let source, !field("source").contains(source) { return false }
        let tagged = Set(field("tags").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        return tags.allSatisfy(tagged.contains)
    }
}
