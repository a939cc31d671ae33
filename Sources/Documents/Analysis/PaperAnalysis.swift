import JSON

/// What the pipeline knows of a paper after reading it: the original's `AnalysisResponse`
/// fields, plus where each came from (`metadata`, `text`, `embedding`, `keywords`, `llm`).
public struct PaperAnalysis: Sendable, Equatable {
    /// The prose fields, in the order the note shows them.
    public static let textFields = [
        "abstract", "key_points", "summary", "objectives", "methodology", "data", "experimental_setup",
        "evaluation_metrics", "results", "discussion", "strengths", "weaknesses", "limitations", "future_work",
        "related_work",
    ]

    public var title = ""
    public var authors: [String] = []
    public var year: Int?
    public var doi: String?
    public var journal: String?
    /// Prose fields by name (see `textFields`); an absent field is unknown.
    public var text: [String: String] = [:]
    public var tags: [String] = []
    /// `llm` or `offline`.
    public var method = "offline"
    /// Field name → where its value came from.
    public var sources: [String: String] = [:]

    public init() {}

    public var json: JSONObject {
        var object: JSONObject = [
            "title": .string(title), "authors": .array(authors.map { .string($0) }),
            "year": year.map { .int(Int64($0)) } ?? .null, "doi": doi.map { .string($0) } ?? .null,
            "journal": journal.map { .string($0) } ?? .null, "tags": .array(tags.map { .string($0) }),
        ]
        for field in Self.textFields { object[field] = text[field].map { .string($0) } ?? .null }
        return object
    }

    /// Reads a reply already checked by `AnalysisSchema.problems`.
    public init(json object: JSONObject) {
        title = object["title"]?.stringValue ?? ""
        authors = object["authors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        year = object["year"]?.intValue.flatMap { Int(exactly: $0) }
        doi = object["doi"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        journal = object["journal"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        tags = object["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for field in Self.textFields {
            if let value = object[field].flatMap(Self.prose), !value.isEmpty { text[field] = value }
        }
    }

    /// A prose field as models write it: a string, or a list of points.
    private static func prose(_ value: JSONValue) -> String? {
        if let string = value.stringValue { return string.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let items = value.arrayValue?.compactMap(\.stringValue), !items.isEmpty {
            return items.map { "- \($0)" }.joined(separator: "\n")
        }
        return nil
    }
}
