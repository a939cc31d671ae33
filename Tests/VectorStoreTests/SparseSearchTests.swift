import Foundation
import JSON
import Testing

@testable import VectorStore

/// The sparse inverted index kept in step by writes, and the Search API's rank arithmetic.
@Suite struct SparseSearchTests {
    /// A random sparse vector over a small vocabulary (so vectors share dimensions).
    static func vector(_ generator: inout SystemRandomNumberGenerator) -> SparseVector {
        let dimensions = Set(
            (0..<Int.random(in: 1...6, using: &generator)).map { _ in UInt32.random(in: 0..<40, using: &generator) })
        let sorted = dimensions.sorted()
        return SparseVector(indices: sorted, values: sorted.map { _ in Float.random(in: 0.1...2, using: &generator) })
    }

    static func plan(_ query: SparseVector, limit: Int = 50) -> SearchPlan {
        SearchPlan(
            rank: .knn(.init(query: .sparse(query), key: "terms", limit: limit, defaultScore: nil, returnRank: false)),
            select: ["#score"])
    }

    /// After random adds, upserts, updates and deletes, searches over the index kept in step
    /// answer exactly as over one rebuilt from disk, and as a brute-force dot product does.
    @Test func writesKeepTheInvertedIndexInStep() throws {
        let fixture = try StoreFixture()
        var generator = SystemRandomNumberGenerator()
        let collection = try fixture.store.createCollection(name: "sparse")
        var truth: [String: SparseVector] = [:]
        for round in 0..<30 {
            let ids = (0..<8).map { _ in "r\(Int.random(in: 0..<60, using: &generator))" }
            let unique = Array(Set(ids))
            let vectors = unique.map { _ in Self.vector(&generator) }
            if round % 5 == 4 {
                _ = try fixture.store.delete(from: collection.id, ids: Array(unique.prefix(3)))
                for id in unique.prefix(3) { truth[id] = nil }
            } else {
                try fixture.store.upsert(
                    to: collection.id,
                    RecordBatch(
                        ids: unique, embeddings: unique.map { _ in [1, 0] },
                        metadatas: vectors.map { ["terms": .sparseVector($0)] }))
                for (id, vector) in zip(unique, vectors) { truth[id] = vector }
            }
            // Searching loads the index; later rounds change it while loaded.
            _ = try fixture.store.search(collection.id, [Self.plan(Self.vector(&generator))])
        }
        let queries = (0..<20).map { _ in Self.vector(&generator) }
        let live = try queries.map { try fixture.store.search(collection.id, [Self.plan($0)])[0] }
        try fixture.reopen()
        let reloaded = try queries.map { try fixture.store.search(collection.id, [Self.plan($0)])[0] }
        #expect(live == reloaded)
        for (query, result) in zip(queries, live) {
            let expected = truth.compactMap { id, vector -> (Float, String)? in
                let dot = query.dot(vector)
                return query.indices.contains(where: vector.indices.contains) ? (1 - dot, id) : nil
            }
            #expect(Set(result.ids) == Set(expected.map(\.1)))
            for (id, score) in zip(result.ids, result.scores ?? []) {
                #expect(abs((score ?? .nan) - (1 - query.dot(truth[id]!))) < 1e-5)
            }
        }
    }

    @Test func defaultsDecideWhichRecordsAreRanked() {
        let first: [(measure: Float, row: Int32)] = [(0.1, 1), (0.2, 2)]
        let second: [(measure: Float, row: Int32)] = [(0.5, 2), (0.7, 3)]
        func run(_ expression: RankExpression) -> [Int32: Float] {
            var results = [first, second].makeIterator()
            return expression.evaluate(&results).support
        }
        let knn = { (fallback: Float?) in
            RankExpression.knn(
                .init(query: .dense([1]), key: "#embedding", limit: 2, defaultScore: fallback, returnRank: false))
        }
        // Both without defaults: only the record in both lists.
        #expect(run(.sum([knn(nil), knn(nil)])) == [2: 0.7])
        // The second with a default: every record of the first list.
        #expect(run(.sum([knn(nil), knn(1)])) == [1: 1.1, 2: 0.7])
        // Both with defaults: every record of either list.
        #expect(run(.sum([knn(5), knn(1)])) == [1: 1.1, 2: 0.7, 3: 5.7])
    }

    @Test func malformedSparseVectorsAreRefusedWithTheReason() {
        #expect(throws: VectorStoreError.self) {
            try SparseVector(json: ["#type": "sparse_vector", "indices": [3, 1], "values": [1, 2]])
        }
        #expect(throws: VectorStoreError.self) {
            try SparseVector(json: ["#type": "sparse_vector", "indices": [1], "values": [1, 2]])
        }
        #expect(throws: VectorStoreError.self) {
            try SparseVector(json: ["#type": "sparse_vector", "indices": [-1], "values": [1]])
        }
        #expect((try? SparseVector(json: ["indices": [1], "values": [1]])) == .some(nil))
    }
}
