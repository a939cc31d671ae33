import Foundation
import Synchronization
import Testing

@testable import VectorStore

@Suite struct ConcurrencyTests {
    @Test func concurrentWritersAndReadersLoseNothing() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let info = try store.createCollection(name: "busy")
        try store.add(to: info.id, RecordBatch(ids: ["seed"], embeddings: [[0, 0, 0, 0]]))
        let writers = 4, batches = 25, batchSize = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for batch in 0..<batches {
                        let ids = (0..<batchSize).map { "w\(writer)-b\(batch)-\($0)" }
                        let vectors = (0..<batchSize).map { [Float(writer), Float(batch), Float($0), 1] }
                        try store.add(
                            to: info.id,
                            RecordBatch(
                                ids: ids, embeddings: vectors, metadatas: ids.map { _ in ["batch": .int(Int64(batch))] }
                            ))
                    }
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    for _ in 0..<40 {
                        let result = try store.query(info.id, embeddings: [[1, 2, 3, 1]], nResults: 5000)
                        // A batch is visible whole or not at all.
                        let ids = result.results[0].ids.filter { $0 != "seed" }
                        let perBatch = Dictionary(grouping: ids) {
                            $0.split(separator: "-").prefix(2).joined(separator: "-")
                        }
                        #expect(
                            perBatch.values.allSatisfy { $0.count == batchSize },
                            "\(perBatch.mapValues(\.count).filter { $0.value != batchSize })")
                        _ = try store.get(from: info.id, where: Where.compare(key: "batch", .gte, .int(0)))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.count(info.id) == 1 + writers * batches * batchSize)
        let found = try await store.query(info.id, embeddings: [[0, 0, 0, 0]], nResults: 5000).results[0].ids
        #expect(Set(found).count == 1 + writers * batches * batchSize)
        try fixture.reopen()
        #expect(try fixture.store.count(info.id) == 1 + writers * batches * batchSize)
    }

    @Test func concurrentSearchesAreExact() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let info = try fixture.collection(space: .cosine, vectors: randomVectors(20_000, dimension: 64, seed: 31))
        let queries = randomVectors(48, dimension: 64, seed: 32)
        var alone: [QueryResult] = []
        for query in queries { alone.append(try await store.query(info.id, embeddings: [query], nResults: 7)) }
        let together = try await withThrowingTaskGroup(of: (Int, QueryResult).self) { group in
            for (index, query) in queries.enumerated() {
                group.addTask { (index, try await store.query(info.id, embeddings: [query], nResults: 7)) }
            }
            var results: [Int: QueryResult] = [:]
            for try await (index, result) in group { results[index] = result }
            return results
        }
        for (index, result) in alone.enumerated() {
            #expect(together[index]?.results[0].ids == result.results[0].ids)
            #expect(together[index]?.distances?[0].map(\.bitPattern) == result.distances?[0].map(\.bitPattern))
        }
    }

    /// Queries that arrive while a scan runs are answered together by the next scan, each
    /// exactly as if it had been alone.
    @Test func queriesWaitingForAScanShareTheNextOne() throws {
        var matrix = CollectionMatrix(space: .l2, dimension: 32)
        for (seq, row) in randomVectors(5000, dimension: 32, seed: 41).enumerated() {
            try matrix.append(seq: Int64(seq), vector: row)
        }
        let queries = randomVectors(9, dimension: 32, seed: 42)
        let batcher = ScanBatcher()
        let gate = Gate()
        batcher.beforeScan = { gate.holdFirst() }
        let results = PartResults<[ExactSearch.Hit]>(count: queries.count, empty: [])
        let shared = SharedMatrix(matrix: matrix)
        let group = DispatchGroup()
        func start(_ index: Int) {
            group.enter()
            Thread.detachNewThread {
                results.set(index, batcher.search(shared.matrix, queries: [(queries[index], 5)])[0])
                group.leave()
            }
        }
        start(0)
        while !gate.holding { usleep(1000) }
        for index in 1..<queries.count { start(index) }
        while batcher.statistics.waiting < queries.count - 1 { usleep(1000) }
        gate.release.signal()
        group.wait()
        #expect(batcher.statistics.scans == 2)
        #expect(batcher.statistics.queries == queries.count)
        for (index, query) in queries.enumerated() {
            let want = ExactSearch.searchOne(matrix, query: query, k: 5, candidates: nil)
            #expect(results.all[index].map(\.row) == want.map(\.row))
            #expect(results.all[index].map(\.distance) == want.map(\.distance))
        }
    }

    private struct SharedMatrix: @unchecked Sendable { let matrix: CollectionMatrix }

    /// Holds the first scan open until released.
    private final class Gate: Sendable {
        let release = DispatchSemaphore(value: 0)
        private let first = Atomic<Bool>(true)
        var holding: Bool { !first.load(ordering: .acquiring) }
        func holdFirst() { if first.exchange(false, ordering: .acquiringAndReleasing) { release.wait() } }
    }
}

/// In-memory indexes belong to one collection for good: a request that read a collection
/// before it was deleted (and another took its row key) reaches neither the new collection's
/// index nor its rows.
@Suite struct IndexLifecycleTests {
    @Test func aStaleCollectionNeverReachesItsSuccessor() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let old = try fixture.collection("coll", vectors: [[1, 0, 0, 0], [0, 1, 0, 0]])
        _ = try store.query(old.id, embeddings: [[1, 0, 0, 0]], nResults: 1)
        try store.deleteCollection(named: "coll")
        let new = try fixture.collection("coll", vectors: [[1, 0, 0, 0, 0, 0, 0, 0]])
        #expect(new.key == old.key, "SQLite reuses the row key: the hazard this guards against")
        #expect(throws: VectorStoreError.self) { try store.indexes.index(for: old) }
        #expect(throws: VectorStoreError.self) {
            try CollectionIndex(id: old.id, files: store.indexes.files).read(old, store.database) { _ in 0 }
        }
        #expect(try store.query(new.id, embeddings: [[1, 0, 0, 0, 0, 0, 0, 0]], nResults: 5).results[0].ids == ["r0"])
    }

    @Test func queriesRacingDeleteAndRecreateSeeOnlyTheirCollection() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try fixture.collection("coll", vectors: [[1, 0, 0, 0]])
        let rounds = 150
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<rounds {
                    try store.deleteCollection(named: "coll")
                    let dimension = round % 2 == 0 ? 8 : 4
                    let info = try store.createCollection(name: "coll")
                    var vector = [Float](repeating: 0, count: dimension)
                    vector[0] = 1
                    try store.add(to: info.id, RecordBatch(ids: ["d\(dimension)-\(round)"], embeddings: [vector]))
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<(rounds * 4) {
                        guard let info = try? store.collection(named: "coll") else { continue }
                        let dimension = info.dimension ?? 4
                        var query = [Float](repeating: 0, count: dimension)
                        query[0] = 1
                        do {
                            let found = try await store.query(info.id, embeddings: [query], nResults: 3)
                            // Whatever it found belongs to a collection of the query's dimension.
                            for id in found.results[0].ids { #expect(id.hasPrefix("d\(dimension)-") || id == "r0") }
                        } catch let error as VectorStoreError {
                            switch error {
                            case .notFound, .invalidArgument: continue  // deleted or re-created meanwhile
                            default: throw error
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let last = try store.collection(named: "coll")
        let query: [Float] = (0..<(last.dimension ?? 4)).map { $0 == 0 ? 1 : 0 }
        #expect(try await store.query(last.id, embeddings: [query], nResults: 5).results[0].ids.count == 1)
    }

    @Test func groupingIsBuiltInTheBackgroundAndSwappedIn() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        var generator = SystemRandomNumberGenerator()
        // Clusters, so that the trial finds grouping worth it (uniform random rows it declines).
        let centres = (0..<64).map { _ in (0..<8).map { _ in Float.random(in: -1...1, using: &generator) } }
        let rows = 2 * GroupingTrial.sampleRows + 100
        let vectors = (0..<rows).map { row in
            centres[row % 64].map { $0 + 0.01 * Float.random(in: -1...1, using: &generator) }
        }
        let info = try fixture.collection("big", vectors: vectors)
        let query = [vectors[7]]
        let first = try await store.query(info.id, embeddings: query, nResults: 10)
        let index = try store.indexes.index(for: info)
        index.waitForGrouping()
        #expect(index.lock.withReadLock { index.loaded?.partition != nil })
        let grouped = try await store.query(info.id, embeddings: query, nResults: 10)
        #expect(grouped.results[0].ids == first.results[0].ids)
        #expect(grouped.distances == first.distances)
    }

    /// An ingest into a new collection keeps its index in step from the first batch, so the
    /// first search after the ingest reads nothing from SQLite. A collection that already held
    /// vectors before this process is loaded by a write only when its snapshot makes that cheap
    /// (else the write would leave the snapshot stale); without one, by its first search.
    @Test func anIngestKeepsTheNewCollectionsIndexLoaded() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let fresh = try store.createCollection(name: "fresh")  // no vector yet
        let index = try store.indexes.index(for: fresh)
        #expect(index.loadedCount == nil)
        for batch in 0..<3 {
            let ids = (0..<10).map { "b\(batch)-\($0)" }
            try store.add(to: fresh.id, RecordBatch(ids: ids, embeddings: ids.indices.map { [Float($0), 1, 0] }))
        }
        #expect(index.loadedCount == 30)

        try fixture.reopen()
        let info = try fixture.store.collection(named: "fresh")
        try fixture.store.add(to: info.id, RecordBatch(ids: ["late"], embeddings: [[0, 0, 1]]))
        #expect(try fixture.store.indexes.index(for: info).loadedCount == 31)

        try fixture.store.close()
        try FileManager.default.removeItem(atPath: fixture.directory + "/rows")
        try fixture.abandonAndReopen()
        try fixture.store.add(to: info.id, RecordBatch(ids: ["later"], embeddings: [[0, 1, 1]]))
        #expect(try fixture.store.indexes.index(for: info).loadedCount == nil)
    }

    /// Rows that grouping would not help (uniform in 48 dimensions): the trial declines the
    /// build, searches stay exact, and the decision holds until the collection doubles.
    @Test func groupingIsDeclinedWhereItWouldNotPay() async throws {
        let fixture = try StoreFixture()
        var generator = SeededGenerator(seed: 7)
        let rows = 2 * GroupingTrial.sampleRows + 1000
        let vectors = (0..<rows).map { _ in (0..<48).map { _ in Float.random(in: -1...1, using: &generator) } }
        let info = try fixture.collection("flat", space: .cosine, vectors: vectors)
        let first = try await fixture.store.query(info.id, embeddings: [vectors[3]], nResults: 5)
        #expect(first.results[0].ids.first == "r3")
        let index = try fixture.store.indexes.index(for: info)
        index.waitForGrouping()
        let declined = index.lock.withReadLock {
            index.loaded?.partition == nil && index.loaded?.groupingDeclined == rows
        }
        #expect(declined)
        let wants = index.lock.withReadLock { index.loaded?.wantsPartition }
        #expect(wants == false)
    }
}
