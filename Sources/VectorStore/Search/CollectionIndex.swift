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
        /// Counts changes to rows already held (replaced vectors, removals): prefix codes built
        /// before appends alone still hold for the rows they cover.
        var rowEdits: UInt64 = 0
        /// Counts groupings (and prefix codes) swapped in and declined since the load, so the
        /// snapshot follows them.
        var groupings: UInt64 = 0
        /// The collection's revision in SQLite (its stamp) that the index reflects; 0 when unknown.
        var stamp: Int64 = 0
        /// Whether the index was opened from its snapshot and rows file rather than built from SQLite.
        var mapped = false
        /// An inverted index per metadata key holding sparse vectors (the Search API's sparse `$knn`).
        var sparse: [String: SparseIndex] = [:]
        /// The documents, row-aligned, once a `$contains` asked for them and they fit the budget
        /// (built in the background; until then the trigram index answers), kept in step after.
        var documents: DocumentColumn?
        /// The documents outgrew `DocumentColumn.budget`: `$contains` stays with the trigram index.
        var documentsDeclined = false

        /// The row count at which a trial showed that grouping would not pay; tried again once
        /// the collection has doubled.
        var groupingDeclined: Int?

        /// Whether unfiltered searches would gain from (re)grouping the rows first.
        var wantsPartition: Bool {
            ClusterPartition.enabled && matrix.count >= ClusterPartition.minimumRows
                && partition?.isStale(rowCount: matrix.count) != false
                && groupingDeclined.map { matrix.count >= 2 * $0 } != false
        }

        /// The row count at which the rows' principal axes held too little of them for prefix
        /// codes; tried again once the collection has doubled.
        var prefixDeclined: Int?

        /// Whether unfiltered searches would gain from (re)building the prefix codes: the rows are
        /// not grouped (a trial declined it) and a fifth of them came since the last build.
        var wantsPrefix: Bool {
            partition == nil && groupingDeclined != nil && PrefixCodes.suits(matrix)
                && matrix.prefix.map { $0.count * 5 < matrix.count * 4 } != false
                && prefixDeclined.map { matrix.count >= 2 * $0 } != false
        }

        /// Searches go through `partition` from now on, with the int8 codes in its order:
        /// `ordered`, made from these codes beside the searches, or made here when nil.
        mutating func adopt(_ partition: ClusterPartition, codes ordered: QuantizedRows? = nil) {
            matrix.orderCodes(by: partition, ordered: ordered)
            self.partition = partition
        }

        /// A record appended by a write, in seq order.
        typealias Appended = (seq: Int64, id: String, vector: [Float], metadata: Metadata?, document: String?)

        /// Appends a write's new records at once (one write to the rows file).
        mutating func append(_ records: [Appended]) throws {
            guard !records.isEmpty else { return }
            generation &+= 1
            try matrix.append(seqs: records.map(\.seq), vectors: records.map(\.vector))
            ids.append(contentsOf: records.map(\.id))
            for row in matrix.count - records.count..<matrix.count { partition?.appended(row: row) }
            for record in records { documents?.append(record.document) }
            keepDocumentsWithinBudget()
            guard hasMetadata else { return }
            for (offset, record) in records.enumerated() {
                metadata.append(record.metadata)
                for (key, value) in record.metadata ?? [:] {
                    if case .sparseVector(let vector) = value {
                        sparse[key, default: SparseIndex(column: [])].add(matrix.count - records.count + offset, vector)
                    }
                }
            }
        }

        /// `document` is the record's document after the write.
        mutating func replace(seq: Int64, vector: [Float]?, metadata: Metadata?, document: String?) throws {
            guard let row = matrix.row(of: seq) else { return }
            generation &+= 1
            if let vector {
                rowEdits &+= 1
                try matrix.replace(row: row, vector: vector)
                partition?.replaced(row: row, with: matrix.prepared(vector))
            }
            documents?.replace(row: row, with: document)
            keepDocumentsWithinBudget()
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

        mutating func remove(seqs: [Int64]) throws {
            let rows = seqs.compactMap(matrix.row(of:)).sorted()
            generation &+= 1
            rowEdits &+= 1
            try matrix.remove(rows: rows)
            ids.removeRows(rows)
            partition?.removed(rows: rows)
            documents?.remove(rows: rows)
            guard hasMetadata else { return }
            metadata.remove(rows: rows)
            for key in Array(sparse.keys) { sparse[key]!.removeRows(rows) }
        }

        private mutating func keepDocumentsWithinBudget() {
            if documents?.isOverBudget == true {
                documents = nil
                documentsDeclined = true
            }
        }
    }

    let lock = ReadWriteLock()
    let batcher = ScanBatcher()
    /// The collection's id, naming its files in `files`.
    let id: String
    let files: RowDirectory
    /// Serialises snapshot writes with the collection's deletion; the stamp of the snapshot on disk
    /// and the `Loaded.groupings` it holds.
    let saved = Mutex<(stamp: Int64, groupings: UInt64, retired: Bool)>((0, 0, false))
    /// When the last write was, and whether a snapshot is due after it.
    let quiet = Mutex<(lastWrite: ContinuousClock.Instant, scheduled: Bool)>((.now, false))
    /// How long writes must pause before the snapshot is written.
    let quietDelay: Duration

    init(id: String, files: RowDirectory, quietDelay: Duration = .seconds(2)) {
        self.id = id
        self.files = files
        self.quietDelay = quietDelay
    }
    /// Guarded by `lock`; nil until first use.
    private(set) var loaded: Loaded?
    /// Whether a grouping is being built in the background (at most one at a time).
    private let grouping = Atomic<Bool>(false)
    /// Whether the documents are being read into a column in the background.
    private let readingDocuments = Atomic<Bool>(false)
    /// How many times the index was loaded (guarded by `lock`).
    private var loads: UInt64 = 0

    /// Runs `body` with the loaded index under the shared lock, loading it first if needed
    /// (with its metadata columns and sparse indexes when `metadata` is set). A search that
    /// would gain from grouping the rows, or a `$contains` (`documentText`) from the documents
    /// in memory, starts that build in the background and goes on without it: no request waits
    /// seconds for a one-off build.
    func read<T>(
        _ info: CollectionInfo, _ database: StoreDatabase, searching: Bool = false, metadata: Bool = false,
        documentText: Bool = false, _ body: (Loaded) throws -> T
    ) throws -> T {
        if lock.withReadLock({ loaded == nil || (metadata && !loaded!.hasMetadata) }) {
            try lock.withWriteLock { try ensureLoaded(info, database, metadata: metadata) }
        }
        return try lock.withReadLock {
            if searching, loaded!.wantsPartition || loaded!.wantsPrefix {
                startGrouping(
                    loaded!.matrix, generation: loaded!.generation, rowEdits: loaded!.rowEdits,
                    trial: loaded!.wantsPartition)
            }
            if documentText, loaded!.documents == nil, !loaded!.documentsDeclined {
                startReadingDocuments(info, database, seqs: loaded!.matrix.seqs, generation: loaded!.generation)
            }
            return try body(loaded!)
        }
    }

    /// Reads the documents into a column on a thread of the store's pool (one read at a time),
    /// and swaps it in if no write changed the collection meanwhile.
    private func startReadingDocuments(
        _ info: CollectionInfo, _ database: StoreDatabase, seqs: [Int64], generation: UInt64
    ) {
        guard readingDocuments.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return
        }
        VectorStore.blockingPool.submit { _ in
            // A failed read (the collection deleted meanwhile) leaves the trigram index answering.
            let read = Result { try Self.documents(info, database, seqs: seqs) }
            self.lock.withWriteLock {
                guard case .success(let column) = read, self.loaded?.generation == generation else { return }
                if let documents = column {
                    self.loaded?.documents = documents
                } else {
                    self.loaded?.documentsDeclined = true
                }
            }
            self.readingDocuments.store(false, ordering: .releasing)
        }
    }

    /// The documents of the records `seqs`, row-aligned; nil when they outgrow the budget.
    private static func documents(_ info: CollectionInfo, _ database: StoreDatabase, seqs: [Int64]) throws
        -> DocumentColumn?
    {
        try database.read { db in
            var column = DocumentColumn()
            var rows = RowAlignment(seqs: seqs)
            try db.forEachDocumentInOrder(collection: info.key) { seq, document in
                try rows.next(seq)
                column.append(document)
                return !column.isOverBudget
            }
            guard !column.isOverBudget else { return nil }
            try rows.finish()
            return column
        }
    }

    /// Waits until no document column is being read (tests).
    func waitForDocuments() {
        while readingDocuments.load(ordering: .acquiring) { usleep(1000) }
    }

    /// Starts grouping the rows in the background when unfiltered searches would gain from it and
    /// no build is running, as writes pause: the groups are then ready before the first search
    /// asks. Whether a build started (its end writes the snapshot).
    func groupWhenIdle() -> Bool {
        lock.withReadLock {
            guard let loaded, loaded.wantsPartition || loaded.wantsPrefix else { return false }
            return startGrouping(
                loaded.matrix, generation: loaded.generation, rowEdits: loaded.rowEdits, trial: loaded.wantsPartition)
        }
    }

    /// Groups a snapshot of the rows on a thread of the store's pool (one build at a time), if a
    /// `trial` on a sample says it will pay, and swaps the grouping in if no write changed the
    /// rows meanwhile (else the next search tries again). Rows left ungrouped get prefix codes
    /// instead, when they suit them. Whether the build started.
    @discardableResult
    private func startGrouping(
        _ matrix: CollectionMatrix, generation: UInt64, rowEdits: UInt64, trial: Bool = true
    ) -> Bool {
        guard grouping.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        VectorStore.blockingPool.submit { _ in
            let partition = trial && GroupingTrial.pays(matrix) ? ClusterPartition(matrix) : nil
            // The codes in the groups' order, so that a search reads each group in one run.
            let ordered = partition.map { matrix.quantized.ordered(by: $0.order) }
            let prefix = partition == nil ? PrefixCodes(matrix) : nil
            let decided = self.lock.withWriteLock {
                guard self.loaded != nil else { return false }
                let unchanged = self.loaded?.generation == generation
                var decided = false
                if let prefix, self.loaded?.rowEdits == rowEdits, self.loaded?.partition == nil {
                    self.loaded?.matrix.prefix = prefix
                    decided = true
                }
                if partition == nil, prefix == nil, PrefixCodes.suits(matrix) {
                    self.loaded?.prefixDeclined = matrix.count
                }
                if trial, partition == nil || unchanged {
                    if let partition {
                        self.loaded?.adopt(partition, codes: ordered)
                    } else {
                        self.loaded?.groupingDeclined = matrix.count
                    }
                    decided = true
                }
                // The snapshot follows what was decided.
                if decided { self.loaded?.groupings &+= 1 }
                return decided
            }
            self.grouping.store(false, ordering: .releasing)
            if decided { self.scheduleSnapshot() }
        }
        return true
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
        _ info: CollectionInfo, _ database: StoreDatabase, load: Bool, metadata: Bool = false,
        _ body: (inout Loaded?) throws -> T
    ) throws -> T {
        let (result, changed) = try lock.withWriteLock {
            if load { try ensureLoaded(info, database, metadata: metadata) }
            let before = loaded?.stamp
            let result = try body(&loaded)
            return (result, loaded != nil && loaded?.stamp != before)
        }
        if changed { scheduleSnapshot() }
        return result
    }

    /// Whether a snapshot of the collection's index is on disk: loading it costs little, so a
    /// write loads it rather than leave it stale.
    var snapshotOnDisk: Bool {
        files.owned && access(files.snapshotPath(id), F_OK) == 0
    }

    /// Under the exclusive lock: loads what is missing.
    private func ensureLoaded(_ info: CollectionInfo, _ database: StoreDatabase, metadata: Bool) throws {
        if loaded == nil {
            loaded = try load(info, database)
            // Generations go on across loads: an index dropped after a failed write and loaded
            // again must not match a grouping or document read begun before the drop.
            loads &+= 1
            loaded!.generation = loads << 40
            loaded!.rowEdits = loads << 40
        }
        if metadata, !loaded!.hasMetadata { try Self.loadMetadata(info, database, into: &loaded!) }
    }

    /// The vectors and ids of `info`'s records (metadata only when there is none to read): from
    /// the snapshot and rows file when the snapshot holds the revision SQLite holds, else from
    /// SQLite into a new rows file.
    private func load(_ info: CollectionInfo, _ database: StoreDatabase) throws -> Loaded {
        try database.read { db in
            // `info` may be older than a delete and a re-create that reused its row key: load only
            // the collection it names, from the same snapshot that proves it still exists.
            guard let current = try db.collectionRow(id: info.id), current.key == info.key else {
                throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
            }
            let stamp = try db.collectionStamp(key: info.key)
            if let loaded = mappedSnapshot(stamp: stamp, space: info.space, dimension: current.dimension) {
                saved.withLock {
                    $0.stamp = stamp; $0.groupings = 0
                }
                return loaded
            }
            let dimension = current.dimension ?? 0
            var matrix =
                try rebuildFile().map { try CollectionMatrix(space: info.space, dimension: dimension, file: $0) }
                ?? CollectionMatrix(space: info.space, dimension: dimension)
            var ids: [String] = []
            let count = try db.recordCount(collection: info.key)
            matrix.reserve(count)
            ids.reserveCapacity(count)
            // Rows go in by the thousand: one write to the rows file each.
            var pending: (seqs: [Int64], vectors: [[Float]]) = ([], [])
            try db.forEachVector(collection: info.key) { seq, id, bytes in
                guard bytes.count == dimension * 4 else {
                    throw VectorStoreError.storage(
                        "record \(seq) has \(bytes.count) embedding bytes, expected \(dimension * 4)")
                }
                pending.seqs.append(seq)
                pending.vectors.append(Database.floats(bytes))
                ids.append(id)
                if pending.seqs.count == 1024 {
                    try matrix.append(seqs: pending.seqs, vectors: pending.vectors)
                    pending = ([], [])
                }
            }
            try matrix.append(seqs: pending.seqs, vectors: pending.vectors)
            return Loaded(matrix: matrix, ids: ids, hasMetadata: matrix.count == 0, stamp: stamp)
        }
    }

    /// The index the snapshot on disk describes, when it holds revision `stamp` and its rows
    /// file holds its rows; nil (rebuild) otherwise, whatever went wrong.
    private func mappedSnapshot(stamp: Int64, space: DistanceSpace, dimension: Int?) -> Loaded? {
        guard files.owned, stamp != 0, let dimension,
            let snapshot = try? RowSnapshot.read(from: files.snapshotPath(id), stamp: stamp, dimension: dimension),
            let file = try? RowFile.open(path: files.floatsPath(id), fresh: false),
            file.capacity >= snapshot.seqs.count * dimension * 4
        else { return nil }
        // Checked first: the snapshot's codes are in the grouping's order, which must be one of the rows.
        var partition: ClusterPartition?
        if let groups = snapshot.groups {
            guard let stored = ClusterPartition(groups, dimension: dimension, rowCount: snapshot.seqs.count) else {
                return nil
            }
            partition = stored
        }
        guard let matrix = try? CollectionMatrix(space: space, snapshot: snapshot, file: file) else { return nil }
        var loaded = Loaded(
            matrix: matrix, ids: snapshot.ids, hasMetadata: matrix.count == 0, stamp: stamp, mapped: true)
        loaded.partition = partition
        loaded.groupingDeclined = snapshot.declined
        return loaded
    }

    /// A new, empty rows file for a rebuild from SQLite (the stale snapshot removed first); a
    /// private one when the process does not own the store's files; nil (rows in memory) when
    /// no file can be made.
    private func rebuildFile() -> RowFile? {
        guard files.owned else { return try? RowFile.unnamed(in: files.path) }
        unlink(files.snapshotPath(id))
        saved.withLock { $0.stamp = 0 }
        return (try? RowFile.open(path: files.floatsPath(id), fresh: true)) ?? (try? RowFile.unnamed(in: files.path))
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
            var rows = RowAlignment(seqs: seqs)
            try db.forEachMetadata(collection: info.key) { seq, values in
                try rows.next(seq)
                metadata.append(values)
            }
            try rows.finish()
            return metadata
        }
        loaded.metadata = metadata
        for key in metadata.sparseKeys { loaded.sparse[key] = SparseIndex(column: metadata.column(key)) }
        loaded.hasMetadata = true
    }
}
