import Foundation
import Testing

@testable import VectorStore

/// A collection's index is saved next to the store (`rows/`) and mapped on the next open instead
/// of being read from SQLite — but only while the snapshot carries the revision SQLite holds:
/// anything else (a crash after a write, missing files) rebuilds it, and every way of opening
/// answers exactly as SQLite's records do.
@Suite struct RowFilesTests {
    static let dimension = 16

    func collection(_ fixture: StoreFixture, _ name: String = "rows", count: Int, seed: UInt64) throws
        -> CollectionInfo
    {
        try fixture.collection(
            name, space: .cosine, vectors: randomVectors(count, dimension: Self.dimension, seed: seed),
            metadatas: (0..<count).map { ["parity": .int(Int64($0 % 2))] })
    }

    /// Ids and distance bits of the nearest 10 to a few fixed queries, unfiltered and filtered.
    func answers(_ store: VectorStore, _ info: CollectionInfo) throws -> [[String]] {
        let queries = randomVectors(4, dimension: Self.dimension, seed: 99)
        var answers: [[String]] = []
        for filter in [nil, try whereFilter(#"{"parity": 1}"#)] {
            let result = try store.query(
                info.id, embeddings: queries, nResults: 10, where: filter, include: [.distances])
            for (hits, distances) in zip(result.results, result.distances ?? []) {
                answers.append(zip(hits.ids, distances).map { "\($0) \($1.bitPattern)" })
            }
        }
        return answers
    }

    func snapshotExists(_ fixture: StoreFixture, _ info: CollectionInfo) -> Bool {
        FileManager.default.fileExists(atPath: fixture.directory + "/rows/\(info.id).rows")
    }

    @Test func aReopenedCollectionIsMappedAndAnswersAsSQLiteDoes() throws {
        let fixture = try StoreFixture()
        let info = try collection(fixture, count: 3000, seed: 81)
        let more = randomVectors(300, dimension: Self.dimension, seed: 82)
        try fixture.store.update(in: info.id, RecordBatch(ids: ["r7", "r8"], embeddings: Array(more.prefix(2))))
        try fixture.store.delete(from: info.id, ids: ["r0", "r100", "r2999"])
        let written = try answers(fixture.store, info)
        try fixture.reopen()
        #expect(snapshotExists(fixture, info))
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        #expect(try answers(fixture.store, info) == written)

        // Writes to a mapped collection go to its rows file: appends, a replaced row, and a
        // delete that moves every later row down.
        try fixture.store.add(
            to: info.id,
            RecordBatch(
                ids: (0..<300).map { "m\($0)" }, embeddings: more, metadatas: (0..<300).map { _ in ["parity": .int(1)] }
            ))
        try fixture.store.update(in: info.id, RecordBatch(ids: ["r9"], embeddings: [more[5]]))
        try fixture.store.delete(from: info.id, ids: ["r1", "m3"])
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        let edited = try answers(fixture.store, info)
        #expect(edited != written)
        try fixture.reopen()
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        #expect(try answers(fixture.store, info) == edited)

        // Without the files the index is rebuilt from SQLite, and answers the same.
        try fixture.store.close()
        try FileManager.default.removeItem(atPath: fixture.directory + "/rows")
        try fixture.abandonAndReopen()
        #expect(try fixture.store.checkRows(info.id) == .rebuilt)
        #expect(try answers(fixture.store, info) == edited)
    }

    @Test func aSnapshotBehindSQLiteIsNeverUsed() throws {
        let fixture = try StoreFixture()
        let info = try collection(fixture, count: 500, seed: 83)
        try fixture.reopen(snapshotDelay: .seconds(3600))
        let saved = try answers(fixture.store, info)

        // A write that changes nothing leaves the snapshot current.
        try fixture.store.add(to: info.id, RecordBatch(ids: ["r0"], embeddings: [[Float](repeating: 1, count: 16)]))
        try fixture.abandonAndReopen()
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        #expect(try answers(fixture.store, info) == saved)

        // Writes that reach the rows file but not a snapshot, then a crash: the index is rebuilt.
        try fixture.reopen(snapshotDelay: .seconds(3600))
        let far = [Float](repeating: 5, count: 16)
        try fixture.store.add(
            to: info.id, RecordBatch(ids: ["new"], embeddings: [far], metadatas: [["parity": .int(1)]]))
        try fixture.store.update(in: info.id, RecordBatch(ids: ["r2"], embeddings: [far.map { -$0 }]))
        try fixture.store.delete(from: info.id, ids: ["r1"])
        let written = try answers(fixture.store, info)
        try fixture.abandonAndReopen()
        #expect(try fixture.store.checkRows(info.id) == .rebuilt)
        #expect(try answers(fixture.store, info) == written)
        #expect(try fixture.store.query(info.id, embeddings: [far], nResults: 1).results[0].ids == ["new"])
        #expect(try fixture.store.get(from: info.id, ids: ["r1"]).ids.isEmpty)
    }

    @Test func writesPausingSaveTheSnapshot() throws {
        let fixture = try StoreFixture()
        try fixture.reopen(snapshotDelay: .milliseconds(50))
        let info = try collection(fixture, count: 200, seed: 84)
        let deadline = ContinuousClock.now + .seconds(30)
        while !snapshotExists(fixture, info), ContinuousClock.now < deadline { usleep(10_000) }
        let written = try answers(fixture.store, info)
        try fixture.abandonAndReopen()
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        #expect(try answers(fixture.store, info) == written)
    }

    /// Writes pausing start grouping the rows in the background, before any search asks, and the
    /// grouping is saved with the snapshot once built (the store is then abandoned, as a killed
    /// process is): the reopened collection searches through the same groups at once and builds none. Writes keep the groups in step and the next save
    /// holds them; a trial's verdict that grouping would not pay is kept the same way.
    @Test func theGroupingIsSavedWithTheSnapshot() throws {
        let fixture = try StoreFixture()
        try fixture.reopen(snapshotDelay: .milliseconds(50))
        var generator = SeededGenerator(seed: 88)
        let centres = (0..<64).map { _ in (0..<8).map { _ in Float.random(in: -1...1, using: &generator) } }
        let rows = 2 * GroupingTrial.sampleRows + 100
        let vectors = (0..<rows).map { row in
            centres[row % 64].map { $0 + 0.01 * Float.random(in: -1...1, using: &generator) }
        }
        let info = try fixture.collection("grouped", vectors: vectors)
        // Fetched afresh each time: a test must not hold an index (and with it the store's files)
        // across a reopen.
        func loaded<T>(_ info: CollectionInfo, _ read: (CollectionIndex.Loaded) -> T?) throws -> T? {
            let index = try fixture.store.indexes.index(for: info)
            return index.lock.withReadLock { index.loaded.flatMap(read) }
        }
        let stamp = try #require(try loaded(info) { $0.stamp })
        let snapshot = fixture.directory + "/rows/\(info.id).rows"
        func savedGroups() -> ClusterPartition.Stored? {
            try? RowSnapshot.read(from: snapshot, stamp: stamp, dimension: 8)?.groups
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while savedGroups() == nil, ContinuousClock.now < deadline { usleep(10_000) }
        let built = try #require(try loaded(info) { $0.partition?.stored })
        #expect(savedGroups() == built)
        let queries = Array(vectors.prefix(5))
        let answered = try fixture.store.query(info.id, embeddings: queries, nResults: 10)

        try fixture.abandonAndReopen()
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        #expect(try loaded(info) { $0.partition?.stored } == built)
        #expect(try loaded(info) { $0.wantsPartition } == false)
        let grouped = try fixture.store.query(info.id, embeddings: queries, nResults: 10)
        #expect(grouped.results.map(\.ids) == answered.results.map(\.ids) && grouped.distances == answered.distances)

        try fixture.store.add(to: info.id, RecordBatch(ids: ["late"], embeddings: [centres[3]]))
        try fixture.store.delete(from: info.id, ids: ["r0", "r1"])
        try fixture.reopen()
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        let kept = try #require(try loaded(info) { $0.partition?.stored })
        #expect(kept.extras == [Int32(rows - 2)] && kept.members.count == rows - 2 && kept.changes == 2)

        // Uniform rows in 48 dimensions: the trial declines, and a reopened collection remembers.
        var uniform = SeededGenerator(seed: 89)
        let flatRows = (0..<rows).map { _ in (0..<48).map { _ in Float.random(in: -1...1, using: &uniform) } }
        let flat = try fixture.collection("flat", space: .cosine, vectors: flatRows)
        _ = try fixture.store.query(flat.id, embeddings: [flatRows[3]], nResults: 1)
        try fixture.store.indexes.index(for: flat).waitForGrouping()
        try fixture.reopen()
        #expect(try fixture.store.checkRows(flat.id) == .snapshot)
        #expect(try loaded(flat) { $0.groupingDeclined } == rows)
    }

    /// A stored grouping is used only when it covers every row once, and `store check` finds a
    /// member outside its group's radius (a search would skip the group and miss it).
    @Test func aStoredGroupingIsCheckedBeforeUse() throws {
        var matrix = CollectionMatrix(space: .l2, dimension: Self.dimension)
        try matrix.append(seqs: (0..<2000).map(Int64.init), vectors: randomVectors(2000, dimension: Self.dimension))
        let stored = ClusterPartition(matrix, groups: 16).stored
        let count = matrix.count, dimension = Self.dimension
        #expect(ClusterPartition(stored, dimension: dimension, rowCount: count)?.problem(in: matrix) == nil)
        var twice = stored
        twice.members[1] = twice.members[0]
        var short = stored
        short.extras = [Int32(count)]
        for broken in [twice, short] {
            #expect(ClusterPartition(broken, dimension: dimension, rowCount: count) == nil)
        }
        #expect(ClusterPartition(stored, dimension: dimension, rowCount: count - 1) == nil)
        var tight = stored
        tight.radii[3] /= 2
        let problem = ClusterPartition(tight, dimension: dimension, rowCount: count)?.problem(in: matrix)
        #expect(problem?.contains("outside its group's radius") == true)
    }

    @Test func aSecondStoreOnTheDirectoryKeepsItsRowsPrivate() throws {
        let fixture = try StoreFixture()
        let info = try collection(fixture, count: 300, seed: 85)
        try fixture.reopen()
        let second = try VectorStore(path: fixture.directory)
        #expect(try second.checkRows(info.id) == .private)
        #expect(try fixture.store.checkRows(info.id) == .snapshot)
        #expect(try answers(second, info) == answers(fixture.store, info))
        try second.close()
    }

    @Test func filesGoWithTheirCollections() throws {
        let fixture = try StoreFixture()
        let kept = try collection(fixture, "kept", count: 50, seed: 86)
        let dropped = try collection(fixture, "dropped", count: 50, seed: 87)
        try fixture.reopen()
        let rows = fixture.directory + "/rows/"
        let files = { Set(try FileManager.default.contentsOfDirectory(atPath: rows)) }
        #expect(try files().isSuperset(of: ["\(kept.id).rows", "\(kept.id).f32", "\(dropped.id).rows"]))

        try fixture.store.deleteCollection(named: "dropped")
        #expect(try files().isDisjoint(with: ["\(dropped.id).rows", "\(dropped.id).f32"]))

        // Leftovers of a crash: a deleted collection's file and a half-written snapshot.
        for name in ["\(UUID().uuidString.lowercased()).f32", "\(kept.id).rows.tmp"] {
            #expect(FileManager.default.createFile(atPath: rows + name, contents: Data([1, 2, 3])))
        }
        try fixture.reopen()
        #expect(try files() == ["owner.lock", "\(kept.id).rows", "\(kept.id).f32"])
        #expect(try fixture.store.checkRows(kept.id) == .snapshot)

        try fixture.store.reset()
        #expect(try files() == ["owner.lock"])
    }
}
