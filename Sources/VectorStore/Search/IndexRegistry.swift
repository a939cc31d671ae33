import Synchronization

/// The loaded collection indexes, by collection id. Ids are UUIDs, never reused (row keys
/// are: SQLite hands a deleted collection's key to the next one), and a deleted id is
/// remembered, so a request racing a delete or reset can neither reach a new collection's
/// index nor bring the old one back.
final class IndexRegistry: Sendable {
    private let state = Mutex<(indexes: [String: CollectionIndex], deleted: Set<String>)>(([:], []))
    let files: RowDirectory
    private let quietDelay: Duration

    init(files: RowDirectory, quietDelay: Duration) {
        self.files = files
        self.quietDelay = quietDelay
    }

    /// The index of `info`'s collection; throws `notFound` once that collection was deleted.
    func index(for info: CollectionInfo) throws -> CollectionIndex {
        try state.withLock { state in
            if let index = state.indexes[info.id] { return index }
            guard !state.deleted.contains(info.id) else {
                throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
            }
            let index = CollectionIndex(id: info.id, files: files, quietDelay: quietDelay)
            state.indexes[info.id] = index
            return index
        }
    }

    /// Forgets the indexes of deleted collections, for good, and removes their files.
    func drop(_ ids: some Sequence<String>) {
        let dropped = state.withLock { state in
            ids.map { id in
                state.deleted.insert(id)
                return (id, state.indexes.removeValue(forKey: id))
            }
        }
        for (id, index) in dropped {
            if let index { index.retire() } else { files.remove(id) }
        }
    }

    /// Writes the snapshot of every loaded index that changed since its last one (on close).
    func saveSnapshots() {
        for index in state.withLock({ Array($0.indexes.values) }) { try? index.saveSnapshot() }
    }
}
