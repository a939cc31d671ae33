import JSON

/// A retrieved chunk: its text, where it came from, and a similarity where higher is better.
public struct Passage: Sendable {
    public let id: String
    public let content: String
    public let score: Double
    public let metadata: JSONObject

    public var title: String { metadata["title"]?.stringValue ?? "" }
    public var source: String { metadata["source"]?.stringValue ?? "" }
    public var documentType: String { metadata["document_type"]?.stringValue ?? "other" }
    /// "p. 4" (or "pp. 4–5") for a chunk of a paper's page, nil for other text.
    public var page: String? {
        guard let start = metadata["page_start"]?.intValue else { return nil }
        let end = metadata["page_end"]?.intValue ?? start
        return end > start ? "pp. \(start)–\(end)" : "p. \(start)"
    }
    /// Where in its file: "Heading › Subheading, lines 12–30" (nil when the chunk has neither).
    public var location: String? {
        let heading = metadata["heading_path"]?.stringValue ?? metadata["section"]?.stringValue
        var lines: String?
        if let start = metadata["line_start"]?.intValue, let end = metadata["line_end"]?.intValue {
            lines = end > start ? "lines \(start)–\(end)" : "line \(start)"
        }
        let parts = [heading, lines].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
    /// As an answer cites it: "Paper, p. 4", or "Note › Heading, lines 12–30".
    public var citation: String {
        if let page { return "\(title), \(page)" }
        return location.map { "\(title) › \($0)" } ?? title
    }

    /// The original's search result shape: `{content, score, metadata, title, source, document_type}`,
    /// plus `page` for a paper's chunk and `location` (heading, lines) when the chunk has one.
    public var json: JSONValue {
        var object: JSONObject = [
            "content": .string(content), "score": .double(score), "metadata": .object(metadata),
            "title": .string(title), "source": .string(source), "document_type": .string(documentType),
        ]
        if let page { object["page"] = .string(page) }
        if let location { object["location"] = .string(location) }
        return .object(object)
    }
}

/// What an indexing run did.
public struct IndexReport: Sendable {
    public var filesSeen = 0
    public var filesIndexed = 0
    public var filesUnchanged = 0
    public var filesRemoved = 0
    public var chunksWritten = 0
    public var chunksDeleted = 0
    public var errors: [String] = []
    public var seconds = 0.0

    public var json: JSONValue {
        [
            "files_seen": .int(Int64(filesSeen)), "files_indexed": .int(Int64(filesIndexed)),
            "files_unchanged": .int(Int64(filesUnchanged)), "files_removed": .int(Int64(filesRemoved)),
            "chunks_written": .int(Int64(chunksWritten)), "chunks_deleted": .int(Int64(chunksDeleted)),
            "errors": .array(errors.map { .string($0) }), "seconds": .double((seconds * 1000).rounded() / 1000),
        ]
    }
}
