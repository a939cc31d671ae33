import Foundation
import JSON

/// Discovery sources, one JSON file per source in the discovery folder, as the original kept
/// them: `{name, type, terms, categories, query, max_articles, interval_hours, queries}`.
public struct DiscoverySourceStore: Sendable {
    public static var types: [String] { DiscoveryServices.types }
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    public func source(_ name: String) throws -> JSONObject {
        guard let data = FileManager.default.contents(atPath: try path(name)),
            let object = try? JSONReader.parse(Array(data)).objectValue
        else { throw ThothError(.notFound, "No discovery source named '\(name)'") }
        return object
    }

    /// Creates a source; an existing name is refused.
    public func create(_ source: JSONObject) throws {
        guard let name = source["name"]?.stringValue, let type = source["type"]?.stringValue,
            Self.types.contains(type)
        else {
            throw ThothError(
                .invalidRequest, "A source needs a name and a type (\(Self.types.joined(separator: ", ")))")
        }
        let path = try path(name)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ThothError(.invalidRequest, "A discovery source named '\(name)' already exists")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(JSONWriter.serialize(.object(source))).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public func delete(_ name: String) throws -> Bool {
        let path = try path(name)
        guard FileManager.default.fileExists(atPath: path) else { return false }
        try FileManager.default.removeItem(atPath: path)
        return true
    }

    /// Names become file names, so only plain ones are accepted.
    private func path(_ name: String) throws -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-."))
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix("."), name.unicodeScalars.allSatisfy(allowed.contains)
        else { throw ThothError(.invalidRequest, "Source names may use letters, digits, '-', '_' and '.' (not first)") }
        return (directory as NSString).appendingPathComponent(name + ".json")
    }
}
