import Foundation
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
        /// Metadata by key, row-aligned with the matrix (what `where` filters read), once
        /// `hasMetadata`: parsing every record's metadata is most of a load, so it waits for the
        /// first request that reads it, and is kept in step from then on.
        var metadata = MetadataColumns()
        var hasMetadata = true
        /// Groups of rows that let unfiltered searches skip most of a large collection; built in
        /// the background after the first search that wants it, kept in step by writes until too
        /// much has changed. Searches are exact with or without it; it only makes them faster.
        var partition: ClusterPartition?
        /// Counts changes, so a grouping built from an older snapshot is never swapped in.
        var generation: UInt64 = 0
        /// An inverted index per metadata key holding sparse vectors (the Search API's sparse `$knn`).
        var sparse: [String: SparseIndex] = [:]

        /// The row count at which a trial showed that grouping would not pay; tried again once
        /// the collection has doubled.
        var groupingDeclined: Int?

        /// Whether unfiltered searches would gain from (re)grouping the rows first.
        var wantsPartition: Bool {
            ClusterPartition.enabled && matrix.count >= ClusterPartition.minimumRows
                && partition?.isStale(rowCount: matrix.count) != false
                && groupingDeclined.map { matrix.count >= 2 * $0 } != false
        }

        mutating func append(seq: Int64, id: String, vector: [Float], metadata: Metadata?) {
            generation &+= 1
            matrix.append(seq: seq, vector: vector)
            ids.append(id)
            partition?.appended(row: matrix.count - 1)
            guard hasMetadata else { return }
            self.metadata.append(metadata)
            for (key, value) in metadata ?? [:] {
                if case .sparseVector(let vector) = value {
                    sparse[key, default: SparseIndex(column: [])].add(matrix.count - 1, vector)
                }
            }
        }

        mutating func replace(seq: Int64, vector: [Float]?, metadata: Metadata?) {
            guard let row = matrix.row(of: seq) else { return }
            generation &+= 1
            if let vector {
                matrix.replace(row: row, vector: vector)
                partition?.replaced(row: row, with: matrix.prepared(vector))
            }
            guard hasMetadata else { return }
            for key in Array(sparse.keys) {
                if let old = self.metadata.column(key).dropFirst(row).first, case .sparseVector(let vector)? = old {
                    sparse[key]!.remove(row, vector)
                }
            }
            self.metadata.replace(row: row, with: metadata)
            for (key, value) in metadata ?? [:] {
                if case .sparseVector(let vector) = value {
                    sparse[key, default: SparseIndex(column: [])].add(row, vector)
                }
            }
        }

        mutating func remove(seqs: [Int64]) {
            let rows = seqs.compactMap(matrix.row(of:)).sorted()
            generation &+= 1
            matrix.remove(rows: rows)
            ids.removeRows(rows)
            partition?.removed(rows: rows)
            guard hasMetadata else { return }
            metadata.remove(rows: rows)
            for key in Array(sparse.keys) { sparse[key]!.removeRows(rows) }
        }
    }

    let lock = ReadWriteLock()
    let batcher = ScanBatcher()
    /// Guarded by `lock`; nil until first use.
    private(set) var loaded: Loaded?
    /// Whether a grouping is being built in the background (at most one at a time).
    private let grouping = Atomic<Bool>(false)

    /// Runs `body` with the loaded index under the shared lock, loading it first if needed
    /// (with its metadata columns and sparse indexes when `metadata` is set). A search that
    /// would gain from grouping the rows starts that build in the background and goes on
    /// without it: no request waits seconds for a one-off build.
    func read<T>(
        _ info: CollectionInfo, _ database: StoreDatabase, searching: Bool = false, metadata: Bool = false,
        _ body: (Loaded) throws -> T
    ) throws -> T {
        if lock.withReadLock({ loaded == nil || (metadata && !loaded!.hasMetadata) }) {
            try lock.withWriteLock { try ensureLoaded(info, database, metadata: metadata) }
        }
        return try lock.withReadLock {
            if searching, loaded!.wantsPartition { startGrouping(loaded!.matrix, generation: loaded!.generation) }
            return try body(loaded!)
        }
    }

    /// Groups a snapshot of the rows on a thread of the store's pool (one build at a time), if a
    /// trial on a sample says it will pay, and swaps the grouping in if no write changed the rows
    /// meanwhile (else the next search tries again).
    private func startGrouping(_ matrix: CollectionMatrix, generation: UInt64) {
        guard grouping.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        VectorStore.blockingPool.submit { _ in
            let partition = GroupingTrial.pays(matrix) ? ClusterPartition(matrix) : nil
            self.lock.withWriteLock {
                if partition == nil {
                    self.loaded?.groupingDeclined = matrix.count
                } else if self.loaded?.generation == generation {
                    self.loaded?.partition = partition
                }
            }
            self.grouping.store(false, ordering: .releasing)
        }
    }

    /// Waits until no grouping is being built (tests).
    func waitForGrouping() {
        while grouping.load(ordering: .acquiring) { usleep(1000) }
    }

    /// The number of records, when the index is loaded (it holds every committed record).
    var loadedCount: Int? {
        lock.withReadLock { loaded?.matrix.count }
    }

    /// Runs a write under the exclusive lock. `body` gets the index when it is loaded (or
    /// loads it first, with its metadata, when `load` is set) and changes it only after its
    /// SQLite transaction has committed; an index not yet loaded will read the committed rows
    /// when it loads.
    func write<T>(
        _ info: CollectionInfo, _ database: StoreDatabase, load: Bool, _ body: (inout Loaded?) throws -> T
    ) throws -> T {
        try lock.withWriteLock {
            if load { try ensureLoaded(info, database, metadata: true) }
            return try body(&loaded)
        }
    }

    /// Under the exclusive lock: loads what is missing.
    private func ensureLoaded(_ info: CollectionInfo, _ database: StoreDatabase, metadata: Bool) throws {
        if loaded == nil { loaded = try Self.load(info, database) }
        if metadata, !loaded!.hasMetadata { try Self.loadMetadata(info, database, into: &loaded!) }
    }

    /// The vectors and ids of `info`'s records; metadata only when there is none to read.
    private static func load(_ info: CollectionInfo, _ database: StoreDatabase) throws -> Loaded {
        try database.read { db in
            // `info` may be older than a delete and a re-create that reused its row key: load only
            // the collection it names, from the same snapshot that proves it still exists.
            guard try db.collectionRow(id: info.id)?.key == info.key else {
                throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
            }
            var matrix = CollectionMatrix(space: info.space, dimension: info.dimension ?? 0)
            var ids: [String] = []
            let count = try db.recordCount(collection: info.key)
            matrix.reserve(count)
            ids.reserveCapacity(count)
            try db.forEachVector(collection: info.key) { seq, id, bytes in
                guard bytes.count == matrix.dimension * 4 else {
                    throw VectorStoreError.storage(
                        "record \(seq) has \(bytes.count) embedding bytes, expected \(matrix.dimension * 4)")
                }
                matrix.append(seq: seq, storedBytes: bytes)
                ids.append(id)
            }
            return Loaded(matrix: matrix, ids: ids, hasMetadata: matrix.count == 0)
        }
    }

    /// Reads every record's metadata into columns row-aligned with `loaded`'s matrix, and the
    /// sparse indexes from them. Called under the exclusive lock, so no write is in between.
    private static func loadMetadata(_ info: CollectionInfo, _ database: StoreDatabase, into loaded: inout Loaded)
        throws
    {
        let seqs = loaded.matrix.seqs
        let metadata = try database.read { db in
            guard try db.collectionRow(id: info.id)?.key == info.key else {
                throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
            }
            var metadata = MetadataColumns()
            var row = 0
            try db.forEachMetadata(collection: info.key) { seq, values in
                guard row < seqs.count, seqs[row] == seq else {
                    throw VectorStoreError.storage("record \(seq) is not in the loaded index")
                }
                metadata.append(values)
                row += 1
            }
            guard row == seqs.count else {
                throw VectorStoreError.storage("\(seqs.count - row) loaded records have no row in the database")
            }
            return metadata
        }
        loaded.metadata = metadata
        for key in metadata.sparseKeys { loaded.sparse[key] = SparseIndex(column: metadata.column(key)) }
        loaded.hasMetadata = true
    }
}

/// The loaded collection indexes, by collection id. Ids are UUIDs, never reused (row keys
/// are: SQLite hands a deleted collection's key to the next one), and a deleted id is
/// remembered, so a request racing a delete or reset can neither reach a new collection's
/// index nor bring the old one back.
final class IndexRegistry: Sendable {
    private let state = Mutex<(indexes: [String: CollectionIndex], deleted: Set<String>)>(([:], []))

    /// The index of `info`'s collection; throws `notFound` once that collection was deleted.
    func index(for info: CollectionInfo) throws -> CollectionIndex {
        try state.withLock { state in
            if let index = state.indexes[info.id] { return index }
            guard !state.deleted.contains(info.id) else {
                throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
            }
            let index = CollectionIndex()
            state.indexes[info.id] = index
            return index
        }
    }

    /// Forgets the indexes of deleted collections, for good.
    func drop(_ ids: some Sequence<String>) {
        state.withLock { state in
            for id in ids {
                state.indexes[id] = nil
                state.deleted.insert(id)
            }
        }
    }
}
