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
        let found = try store.query(info.id, embeddings: [[0, 0, 0, 0]], nResults: 5000).results[0].ids
        #expect(Set(found).count == 1 + writers * batches * batchSize)
        try fixture.reopen()
        #expect(try fixture.store.count(info.id) == 1 + writers * batches * batchSize)
    }
}
