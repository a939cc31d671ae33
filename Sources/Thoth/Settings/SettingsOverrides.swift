import Foundation
import JSON
import Synchronization

/// Settings changed at run time (`/agent/config`, `/agent/sync-settings`, `/config/import`),
/// kept in `settings.json` in the data folder so they survive a restart. They win over the
/// environment and `.env`, being the user's latest word.
public final class SettingsOverrides: Sendable {
    public static let fileName = "settings.json"
    let path: String
    private let values: Mutex<[String: String]>

    public init(directory: String) {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        values = Mutex(Self.read(path))
    }

    public var all: [String: String] { values.withLock { $0 } }

    /// Merges `changes` (environment name → value; an empty value removes the override) and
    /// writes the file atomically.
    public func apply(_ changes: [String: String]) throws {
        let snapshot = values.withLock { values in
            for (name, value) in changes { values[name] = value.isEmpty ? nil : value }
            return values
        }
        let object = JSONObject(snapshot.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        try Data(JSONWriter.serialize(.object(object))).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    static func read(_ path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
            case .object(let object)? = try? JSONReader.parse(Array(data))
        else { return [:] }
        var values: [String: String] = [:]
        for (key, value) in object { if let text = value.stringValue { values[key] = text } }
        return values
    }
}
