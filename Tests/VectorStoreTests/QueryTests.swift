import Testing

@testable import VectorStore

@Suite struct QueryTests {
    /// The distance computed plainly in Double, the way the definitions read.
    func reference(_ space: DistanceSpace, _ q: [Float], _ x: [Float]) -> Double {
        let q = q.map(Double.init), x = x.map(Double.init)
        let dot = zip(q, x).map { $0 * $1 }.reduce(0, +)
        switch space {
        case .l2: return zip(q, x).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        case .ip: return 1 - dot
        case .cosine:
            let nq = q.map { $0 * $0 }.reduce(0, +).squareRoot(), nx = x.map { $0 * $0 }.reduce(0, +).squareRoot()
            return 1 - dot / (nq * nx)
        }
    }

    @Test(arguments: DistanceSpace.allCases)
    func distancesMatchTheDefinition(space: DistanceSpace) throws {
        let fixture = try StoreFixture()
        let vectors = randomVectors(300, dimension: 37, seed: 7)
        let info = try fixture.collection(space: space, vectors: vectors)
        for query in randomVectors(5, dimension: 37, seed: 8) {
            let result = try fixture.store.query(info.id, embeddings: [query], nResults: 300)
            let distances = result.distances![0]
            #expect(Set(result.results[0].ids).count == 300)
            #expect(zip(distances, distances.dropFirst()).allSatisfy { $0 <= $1 })
            for (id, distance) in zip(result.results[0].ids, distances) {
                let want = reference(space, query, vectors[Int(id.dropFirst())!])
                #expect(abs(Double(distance) - want) < 1e-5)
            }
        }
    }

    @Test func chromaWorkedExamples() throws {
        let fixture = try StoreFixture()
        let cosine = try fixture.collection("cos", space: .cosine, vectors: [[3, 4], [-2, 0.5]])
        let d = try fixture.store.query(cosine.id, embeddings: [[2, 1]]).distances![0]
        #expect(abs(d[0] - 0.10557282) < 1e-6 && abs(d[1] - 1.7592566) < 1e-6)
        let ip = try fixture.collection("ipc", space: .ip, vectors: [[3, 4], [1, 0], [-2, 0.5]])
        #expect(try fixture.store.query(ip.id, embeddings: [[2, 1]]).distances![0] == [-9, -1, 4.5])
        let l2 = try fixture.collection("l2c", space: .l2, vectors: [[0, 0, 1]])
        #expect(try fixture.store.query(l2.id, embeddings: [[1, 0, 0]]).distances![0] == [2])
    }

    @Test func exactMatchHasZeroDistanceAndStoredVectorIsUnnormalised() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(space: .cosine, vectors: [[3, 4]])
        let result = try fixture.store.query(info.id, embeddings: [[3, 4]], include: [.distances, .embeddings])
        #expect(abs(result.distances![0][0]) < 1e-6)
        #expect(result.results[0].embeddings == [[3, 4]])
    }

    @Test func zeroVectorUnderCosineIsDistanceOne() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(space: .cosine, vectors: [[0, 0], [1, 0]])
        let result = try fixture.store.query(info.id, embeddings: [[0, 1]])
        #expect(result.distances![0] == [1, 1])
    }

    @Test func tiesAreBrokenByInsertionOrder() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 0], [0, 1], [1, 0], [0, 1]])
        let result = try fixture.store.query(info.id, embeddings: [[1, 1]], nResults: 4)
        #expect(result.results[0].ids == ["r0", "r1", "r2", "r3"])
        try fixture.store.upsert(to: info.id, RecordBatch(ids: ["r0"], embeddings: [[0, 1]]))
        #expect(try fixture.store.query(info.id, embeddings: [[1, 1]], nResults: 2).results[0].ids == ["r0", "r1"])
    }

    @Test func nResultsLargerThanCollectionReturnsAll() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1], [2]])
        #expect(try fixture.store.query(info.id, embeddings: [[0]], nResults: 50).results[0].ids == ["r0", "r1"])
        #expect(try fixture.store.query(info.id, embeddings: [[0]], nResults: 0).results[0].ids == [])
    }

    @Test func emptyCollectionAnswersEmptyLists() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [])
        let result = try fixture.store.query(info.id, embeddings: [[1, 2], [3, 4]])
        #expect(result.results.map(\.ids) == [[], []])
        #expect(result.distances == [[], []])
    }

    @Test func manyQueriesAgreeWithSingleQueries() throws {
        for space in DistanceSpace.allCases {
            let fixture = try StoreFixture()
            let vectors = randomVectors(5000, dimension: 24, seed: 3)
            let info = try fixture.collection(space: space, vectors: vectors)
            let queries = randomVectors(9, dimension: 24, seed: 4)
            let batch = try fixture.store.query(info.id, embeddings: queries, nResults: 7)
            for (index, query) in queries.enumerated() {
                let single = try fixture.store.query(info.id, embeddings: [query], nResults: 7)
                #expect(batch.results[index].ids == single.results[0].ids)
                for (a, b) in zip(batch.distances![index], single.distances![0]) { #expect(abs(a - b) < 1e-5) }
            }
        }
    }

    @Test func scanSplitAcrossCoresIsExactAndKeepsTieOrder() throws {
        let fixture = try StoreFixture()
        // 40,000 rows: the second half repeats the first, so every tie straddles the split.
        let half = randomVectors(20_000, dimension: 4, seed: 11)
        let vectors = half + half
        #expect(vectors.count >= ExactSearch.parallelRows)
        let info = try fixture.collection(space: .l2, vectors: vectors)
        for query in randomVectors(3, dimension: 4, seed: 12) {
            let result = try fixture.store.query(info.id, embeddings: [query], nResults: 10)
            let distances: [(Double, Int)] = vectors.indices.map { (reference(.l2, query, vectors[$0]), $0) }
            let nearest = distances.sorted { a, b in a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }.prefix(10)
            let ids = result.results[0].ids
            #expect(Set(ids) == Set(nearest.map { "r\($0.1)" }))
            for pair in stride(from: 0, to: 10, by: 2) {
                // Identical vectors: the earlier insert comes first.
                #expect(Int(ids[pair].dropFirst())! + 20_000 == Int(ids[pair + 1].dropFirst())!)
            }
        }
    }

    @Test func filtersRestrictCandidates() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: [[0], [1], [2], [3]], documents: ["apple", "banana", "apple pie", nil],
            metadatas: [["g": .int(1)], ["g": .int(2)], ["g": .int(1)], ["g": .int(1)]])
        let store = fixture.store
        #expect(
            try store.query(info.id, embeddings: [[3]], where: whereFilter(#"{"g": 1}"#)).results[0].ids == [
                "r3", "r2", "r0",
            ])
        #expect(
            try store.query(info.id, embeddings: [[3]], whereDocument: whereDocument(#"{"$contains": "apple"}"#))
                .results[0].ids == ["r2", "r0"])
        #expect(try store.query(info.id, embeddings: [[3]], ids: ["r0", "r1"]).results[0].ids == ["r1", "r0"])
        // An id that is not there fails the query, as Chroma's does.
        #expect(throws: VectorStoreError.recordsNotFound("Error executing plan: Internal error: Error finding id")) {
            try store.query(info.id, embeddings: [[3]], ids: ["r0", "zz"])
        }
        let all3 = try store.query(
            info.id, embeddings: [[3]], where: whereFilter(#"{"g": 1}"#),
            whereDocument: whereDocument(#"{"$contains": "apple"}"#), ids: ["r0", "r1"])
        #expect(all3.results[0].ids == ["r0"])
    }

    /// A query returning only ids and distances is answered from memory; it must agree with
    /// SQLite after adds, upserts, updates, deletes and a reopen.
    @Test func idsOnlyQueriesAgreeWithStoredRecords() throws {
        let fixture = try StoreFixture()
        var generator = SeededGenerator(seed: 11)
        func vector() -> [Float] { (0..<8).map { _ in Float.random(in: -1...1, using: &generator) } }
        let info = try fixture.collection(vectors: (0..<60).map { _ in vector() })
        let queries = (0..<5).map { _ in vector() }
        func check() throws {
            let fromMemory = try fixture.store.query(info.id, embeddings: queries, nResults: 20, include: [.distances])
            let fromSQLite = try fixture.store.query(
                info.id, embeddings: queries, nResults: 20, include: [.documents, .distances])
            #expect(fromMemory.results.map(\.ids) == fromSQLite.results.map(\.ids))
            #expect(fromMemory.distances == fromSQLite.distances)
            let bare = try fixture.store.query(info.id, embeddings: queries, nResults: 20, include: [])
            #expect(bare.results.map(\.ids) == fromSQLite.results.map(\.ids))
        }
        try check()
        try fixture.store.delete(from: info.id, ids: (0..<60).filter { $0 % 3 == 0 }.map { "r\($0)" })
        try fixture.store.upsert(
            to: info.id, RecordBatch(ids: ["new1", "r1", "new2"], embeddings: [vector(), vector(), vector()]))
        try fixture.store.update(in: info.id, RecordBatch(ids: ["r2"], embeddings: [queries[0]]))
        try check()
        #expect(try fixture.store.count(info.id) == 42)  // from the loaded index
        try fixture.reopen()
        #expect(try fixture.store.count(info.id) == 42)  // from SQLite
        try check()
    }

    @Test func queryIncludeDefaults() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1]], documents: ["d"], metadatas: [["k": .int(1)]])
        let result = try fixture.store.query(info.id, embeddings: [[1]])
        #expect(result.include == .queryDefault)
        #expect(result.results[0].documents == ["d"])
        #expect(result.results[0].metadatas == [["k": .int(1)]])
        #expect(result.results[0].embeddings == nil)
    }

    @Test func invalidQueriesAreRejected() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 2]])
        #expect(throws: VectorStoreError.self) { try fixture.store.query(info.id, embeddings: [[.nan, 1]]) }
        #expect(throws: VectorStoreError.self) { try fixture.store.query(info.id, embeddings: [[]]) }
        #expect(throws: VectorStoreError.self) { try fixture.store.query(info.id, embeddings: [[1, 2]], nResults: -1) }
    }
}

@Suite struct HugeCountTests {
    @Test func absurdNResultsReturnsEveryRowInsteadOfTrapping() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 0], [0, 1], [1, 1]])
        for k in [177_843_714_048_004, Int.max, 1 << 40] {
            let found = try fixture.store.query(info.id, embeddings: [[1, 0]], nResults: k)
            #expect(found.results[0].ids == ["r0", "r2", "r1"])
        }
    }
}
