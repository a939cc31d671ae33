import GRDB
import Synchronization

/// The in-memory side of one collection: its vector matrix and metadata column, loaded from
/// SQLite on first use. The lock orders everything that touches the collection's records:
/// searches share it; a write holds it exclusively from its SQLite transaction until the
/// matrix reflects the commit, so no reader ever sees half a batch.
final class CollectionIndex: @unchecked Sendable {
    struct Loaded {
        var matrix: CollectionMatrix
        /// Record ids, row-aligned with the matrix: a query that returns no more than ids and
        /// distances is answered without reading SQLite.
        var ids: [String] = []
        /// Metadata by key, row-aligned with the matrix (what `where` filters read).
        var metadata = MetadataColumns()
        /// Groups of rows that let unfiltered searches skip most of a large collection; built on
        /// the first search that wants it, kept in step by writes until too much has changed.
        var partition: ClusterPartition?

        /// Whether unfiltered searches would gain from (re)grouping the rows first.
        var wantsPartition: Bool {
            ClusterPartition.enabled && matrix.count >= ClusterPartition.minimumRows
                && partition?.isStale(rowCount: matrix.count) != false
        }

        mutating func append(seq: Int64, id: String, vector: [Float], metadata: Metadata?) {
            matrix.append(seq: seq, vector: vector)
            ids.append(id)
            self.metadata.append(metadata)
            partition?.appended(row: matrix.count - 1)
        }

        mutating func replace(seq: Int64, vector: [Float]?, metadata: Metadata?) {
            guard let row = matrix.row(of: seq) else { return }
            if let vector {
                matrix.replace(row: row, vector: vector)
                partition?.replaced(row: row, with: matrix.prepared(vector))
            }
            self.metadata.replace(row: row, with: metadata)
        }

        mutating func remove(seqs: [Int64]) {
            let rows = seqs.compactMap(matrix.row(of:)).sorted()
            matrix.remove(rows: rows)
            ids.removeRows(rows)
            metadata.remove(rows: rows)
            partition?.removed(rows: rows)
        }
    }

    let lock = ReadWriteLock()
    let batcher = ScanBatcher()
    /// Guarded by `lock`; nil until first use.
    private(set) var loaded: Loaded?

    /// Runs `body` with the loaded index under the shared lock, loading it first if needed,
    /// and for `searching` grouping its rows first when that pays.
    func read<T>(
        _ info: CollectionInfo, _ database: StoreDatabase, searching: Bool = false, _ body: (Loaded) throws -> T
    ) throws -> T {
        if lock.withReadLock({ loaded == nil || (searching && loaded!.wantsPartition) }) {
            try lock.withWriteLock {
                if loaded == nil { loaded = try Self.load(info, database) }
                if searching, loaded!.wantsPartition { loaded!.partition = ClusterPartition(loaded!.matrix) }
            }
        }
        return try lock.withReadLock { try body(loaded!) }
    }

    /// The number of records, when the index is loaded (it holds every committed record).
    var loadedCount: Int? {
        lock.withReadLock { loaded?.matrix.count }
    }

    /// Runs a write under the exclusive lock. `body` gets the index when it is loaded (or
    /// loads it first when `load` is set) and changes it only after its SQLite transaction
    /// has committed; an index not yet loaded will read the committed rows when it loads.
    func write<T>(
        _ info: CollectionInfo, _ database: StoreDatabase, load: Bool, _ body: (inout Loaded?) throws -> T
    ) throws -> T {
        try lock.withWriteLock {
            if load, loaded == nil { loaded = try Self.load(info, database) }
            return try body(&loaded)
        }
    }

    private static func load(_ info: CollectionInfo, _ database: StoreDatabase) throws -> Loaded {
        try database.read { db in
            var matrix = CollectionMatrix(space: info.space, dimension: info.dimension ?? 0)
            var metadata = MetadataColumns()
            var ids: [String] = []
            let count = try db.recordCount(collection: info.key)
            matrix.reserve(count)
            ids.reserveCapacity(count)
            try db.forEachVector(collection: info.key) { seq, id, bytes, values in
                guard bytes.count == matrix.dimension * 4 else {
                    throw VectorStoreError.storage(
                        "record \(seq) has \(bytes.count) embedding bytes, expected \(matrix.dimension * 4)")
                }
                matrix.append(seq: seq, storedBytes: bytes)
                ids.append(id)
                metadata.append(values)
            }
            return Loaded(matrix: matrix, ids: ids, metadata: metadata)
        }
    }
}

/// The loaded collection indexes, by collection key.
final class IndexRegistry: Sendable {
    private let indexes = Mutex<[Int64: CollectionIndex]>([:])

    func index(for key: Int64) -> CollectionIndex {
        indexes.withLock { indexes in
            if let index = indexes[key] { return index }
            let index = CollectionIndex()
            indexes[key] = index
            return index
        }
    }

    func drop(_ key: Int64) {
        _ = indexes.withLock { $0.removeValue(forKey: key) }
    }

    func dropAll() {
        indexes.withLock { $0.removeAll() }
    }
}
