import Synchronization

/// Collections already read by id, kept until the next write commits: every query names its
/// collection, and reading the catalog row (a SQLite transaction and two JSON documents) cost
/// about a tenth of a query's time on the server. Writes reach the store only through this
/// process (its in-memory indexes assume as much), so the write count is a complete version.
final class CollectionCache: Sendable {
    private let entries = Mutex<(version: UInt64, byID: [String: CollectionInfo])>((0, [:]))

    /// The collection `id` as read at store version `version`, if it was.
    func info(id: String, version: UInt64) -> CollectionInfo? {
        entries.withLock { $0.version == version ? $0.byID[id] : nil }
    }

    /// Remembers `info`, read at store version `version` (not older than the last one kept).
    func keep(_ info: CollectionInfo, version: UInt64) {
        entries.withLock { entries in
            if entries.version != version {
                guard version > entries.version else { return }
                entries = (version, [:])
            }
            entries.byID[info.id] = info
        }
    }
}
