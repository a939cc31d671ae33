import Foundation
import JSON

/// An indexed file, as the article tools see it: one entry per source, not per chunk.
public struct Article: Sendable {
    public let source: String
    public let title: String
    public let filename: String
    public let documentType: String
    public let chunks: Int
    /// Bibliographic fields from the file's front matter, as its chunks carry them
    /// (`authors`, `year`, `doi`, `journal`, `tags`, `source_pdf`).
    public var bibliographic: JSONObject = [:]

    public var json: JSONValue {
        var object: JSONObject = [
            "title": .string(title), "source": .string(source), "filename": .string(filename),
            "document_type": .string(documentType), "chunks": .int(Int64(chunks)),
        ]
        for (key, value) in bibliographic where object[key] == nil { object[key] = value }
        return .object(object)
    }
}

extension KnowledgeBase {
    /// Every indexed file, sorted by title.
    public func articles() async throws -> [Article] {
        guard let collection = try await backend.existingCollection(named: settings.collection) else { return [] }
        var bySource: [String: (metadata: JSONObject, chunks: Int)] = [:]
        for (_, metadata) in try await backend.metadatas(collection) {
            guard let source = metadata["source"]?.stringValue else { continue }
            bySource[source, default: (metadata, 0)].chunks += 1
        }
        return bySource.map { source, entry in
            var article = Article(
                source: source, title: entry.metadata["title"]?.stringValue ?? "",
                filename: entry.metadata["filename"]?.stringValue ?? "",
                documentType: entry.metadata["document_type"]?.stringValue ?? "other", chunks: entry.chunks)
            for key in ["authors", "year", "doi", "journal", "tags", "source_pdf"] {
                if let value = entry.metadata[key] { article.bibliographic[key] = value }
            }
            return article
        }.sorted { ($0.title, $0.source) < ($1.title, $1.source) }
    }

    /// The article a person or a model means by `identifier`: its path, file name or title
    /// (exactly, ignoring case), else the only title that contains it.
    public func article(matching identifier: String) async throws -> Article {
        let wanted = identifier.trimmingCharacters(in: .whitespaces).lowercased()
        let all = try await articles()
        if let exact = all.first(where: {
            $0.source.lowercased() == wanted || $0.filename.lowercased() == wanted || $0.title.lowercased() == wanted
        }) {
            return exact
        }
        let partial = all.filter { $0.title.lowercased().contains(wanted) || $0.filename.lowercased().contains(wanted) }
        if partial.count == 1 { return partial[0] }
        if partial.isEmpty { throw ThothError(.notFound, "No indexed article matches '\(identifier)'") }
        throw ThothError(
            .invalidRequest,
            "'\(identifier)' matches \(partial.count) articles: "
                + partial.prefix(5).map(\.title).joined(separator: ", "))
    }

    /// The article's indexed text, its chunks in order (overlaps included).
    public func chunks(of article: Article) async throws -> [String] {
        guard let collection = try await backend.existingCollection(named: settings.collection) else { return [] }
        let records = try await backend.records(collection, where: ["source": .string(article.source)])
        return records.sorted {
            ($0.metadata["chunk_index"]?.intValue ?? 0) < ($1.metadata["chunk_index"]?.intValue ?? 0)
        }.map(\.document)
    }

    /// Passages similar to `text`, from other articles than `excluding`.
    public func related(to text: String, excluding source: String, k: Int) async throws -> [Passage] {
        try await search(String(text.prefix(2000)), k: k + 8, mode: .dense).filter { $0.source != source }
    }
}

extension KnowledgeBase {
    /// Writes every record as one JSON line `{id, document, metadata}`; returns how many.
    public func exportRecords(to path: String) async throws -> Int {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard let collection = try await backend.existingCollection(named: settings.collection) else {
            throw ThothError(.notFound, "The collection \(settings.collection) does not exist yet; index first")
        }
        let records = try await backend.records(collection, where: nil)
        var text = ""
        for record in records {
            text += JSONWriter.string(
                ["id": .string(record.id), "document": .string(record.document), "metadata": .object(record.metadata)])
            text += "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return records.count
    }
}
