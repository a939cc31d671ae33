import Foundation
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

    @Test func concurrentSearchesShareScansAndStayExact() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let vectors = randomVectors(20_000, dimension: 64, seed: 31)
        let info = try fixture.collection(space: .cosine, vectors: vectors)
        let queries = randomVectors(48, dimension: 64, seed: 32)
        // Alone, one after another: every scan answers one query.
        var alone: [QueryResult] = []
        for query in queries { alone.append(try await store.query(info.id, embeddings: [query], nResults: 7)) }
        let batcher = store.indexes.index(for: info.key).batcher
        let before = batcher.statistics
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
        let after = batcher.statistics
        #expect(after.queries - before.queries == queries.count)
        #expect(after.scans - before.scans < queries.count, "no scan answered more than one query")
    }
}
