import Foundation
import JSON

/// Research queries (what discovery looks for), one JSON file per query in the queries folder,
/// as the original kept them: `<name>.json`.
public struct ResearchQueryStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static let listFields = ["keywords", "required_topics", "preferred_topics", "excluded_topics"]

    public func names() throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func query(_ name: String) throws -> JSONObject? {
        let path = try self.path(name)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard case .object(let object) = try JSONReader.parse(Array(data)) else {
            throw ToolError("The query file \(path) is not a JSON object")
        }
        return object
    }

    /// Writes a query; `create` refuses to overwrite one that exists.
    public func save(_ query: JSONObject, name: String, create: Bool) throws {
        let path = try self.path(name)
        if create, FileManager.default.fileExists(atPath: path) {
            throw ToolError("A query named '\(name)' already exists; use update_query")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(JSONWriter.serialize(.object(query))).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public func delete(_ name: String) throws -> Bool {
        let path = try self.path(name)
        guard FileManager.default.fileExists(atPath: path) else { return false }
        try FileManager.default.removeItem(atPath: path)
        return true
    }

    /// Names become file names, so only plain ones are accepted (no `/`, no `..`).
    private func path(_ name: String) throws -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: " _-."))
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix("."),
            name.unicodeScalars.allSatisfy(allowed.contains)
        else {
            throw ToolError("Query names may use letters, digits, spaces, '-', '_' and '.' (not first), up to 100")
        }
        return (directory as NSString).appendingPathComponent(name + ".json")
    }
}
