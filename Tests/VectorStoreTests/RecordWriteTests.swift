import Testing

@testable import VectorStore

@Suite struct RecordWriteTests {
    @Test func addIgnoresExistingIds() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 0]], documents: ["first"])
        try fixture.store.add(
            to: info.id,
            RecordBatch(ids: ["r0", "r1"], embeddings: [[9, 9], [0, 1]], documents: ["changed", "new"]))
        let result = try fixture.store.get(from: info.id, include: [.documents, .embeddings])
        #expect(result.ids == ["r0", "r1"])
        #expect(result.documents == ["first", "new"])
        #expect(result.embeddings == [[1, 0], [0, 1]])
    }

    @Test func duplicateIdsInOneAddKeepTheFirst() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [])
        try fixture.store.add(
            to: info.id, RecordBatch(ids: ["a", "a"], embeddings: [[1], [2]], documents: ["one", "two"]))
        let result = try fixture.store.get(from: info.id)
        #expect(result.documents == ["one"])
    }

    @Test func dimensionIsFixedByTheFirstRecord() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 2, 3]])
        #expect(try fixture.store.collection(id: info.id).dimension == 3)
        #expect(throws: VectorStoreError.invalidArgument("Collection expecting embedding with dimension of 3, got 2")) {
            try fixture.store.add(to: info.id, RecordBatch(ids: ["x"], embeddings: [[1, 2]]))
        }
        #expect(throws: VectorStoreError.invalidArgument("Collection expecting embedding with dimension of 3, got 2")) {
            try fixture.store.query(info.id, embeddings: [[1, 2]])
        }
    }

    @Test func invalidBatchWritesNothing() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 2]])
        let batches = [
            RecordBatch(ids: ["a", "b"], embeddings: [[1, 2]]),
            RecordBatch(ids: ["a", ""], embeddings: [[1, 2], [3, 4]]),
            RecordBatch(ids: ["a", "b"], embeddings: [[1, 2], [3, 4, 5]]),
            RecordBatch(ids: ["a", "b"], embeddings: [[1, 2], [.nan, 4]]),
            RecordBatch(ids: ["a", "b"], embeddings: [[1, 2], [.infinity, 4]]),
            RecordBatch(ids: ["a"], embeddings: [[]]),
            RecordBatch(ids: ["a", "b"], embeddings: [[1, 2], [3, 4]], metadatas: [nil, ["$bad": .int(1)]]),
            RecordBatch(ids: ["a", "b"], embeddings: [[1, 2], [3, 4]], metadatas: [nil, ["k": nil]]),
            RecordBatch(ids: ["a"], embeddings: nil),
        ]
        for batch in batches {
            #expect(throws: VectorStoreError.self) { try fixture.store.add(to: info.id, batch) }
        }
        #expect(try fixture.store.count(info.id) == 1)
    }

    @Test func upsertMergesMetadataAndKeepsPosition() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: [[1, 0], [0, 1]], documents: ["doc0", "doc1"],
            metadatas: [["color": .string("blue"), "n": .int(2), "extra": .bool(true)], nil])
        try fixture.store.upsert(
            to: info.id,
            RecordBatch(
                ids: ["r0", "r2"], embeddings: [[5, 5], [7, 7]], documents: [nil, "doc2"],
                metadatas: [["color": .string("green"), "extra": nil], nil]))
        let result = try fixture.store.get(from: info.id, include: [.documents, .metadatas, .embeddings])
        #expect(result.ids == ["r0", "r1", "r2"])
        #expect(result.documents == ["doc0", "doc1", "doc2"])
        #expect(result.metadatas?[0] == ["color": .string("green"), "n": .int(2)])
        #expect(result.embeddings?[0] == [5, 5])
    }

    @Test func upsertDuplicateIdsLastWins() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [])
        try fixture.store.upsert(
            to: info.id, RecordBatch(ids: ["a", "a"], embeddings: [[1], [2]], documents: ["one", "two"]))
        let result = try fixture.store.get(from: info.id, include: [.documents, .embeddings])
        #expect(result.documents == ["two"])
        #expect(result.embeddings == [[2]])
    }

    @Test func updateTouchesOnlyExistingIds() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 0]], metadatas: [["color": .string("red"), "n": .int(1)]])
        try fixture.store.update(
            in: info.id,
            RecordBatch(
                ids: ["r0", "zz"], embeddings: [nil, [3, 3]], metadatas: [["color": nil, "n": .int(7)], nil]))
        let result = try fixture.store.get(from: info.id, include: [.metadatas, .embeddings])
        #expect(result.ids == ["r0"])
        #expect(result.metadatas == [["n": .int(7)]])
        #expect(result.embeddings == [[1, 0]])
    }

    @Test func updatedEmbeddingIsSearched() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 0], [0, 1]])
        _ = try fixture.store.query(info.id, embeddings: [[1, 0]])  // loads the index
        try fixture.store.update(in: info.id, RecordBatch(ids: ["r1"], embeddings: [[1, 0.1]]))
        let result = try fixture.store.query(info.id, embeddings: [[1, 0.1]], nResults: 1)
        #expect(result.results[0].ids == ["r1"])
    }

    @Test func emptyMetadataReadsBackAsNil() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1]], metadatas: [[:]])
        #expect(try fixture.store.get(from: info.id).metadatas == [nil])
    }

    @Test func intsAndFloatsStayDistinct() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: [[1]], metadatas: [["i": .int(1), "f": .double(1.0), "b": .bool(true)]])
        try fixture.reopen()
        let metadata = try fixture.store.get(from: info.id).metadatas?[0]
        #expect(metadata == ["i": .int(1), "f": .double(1.0), "b": .bool(true)])
    }

    @Test func emptyArraysAreDropped() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1]], metadatas: [["tags": .array([]), "k": .int(1)]])
        #expect(try fixture.store.get(from: info.id).metadatas == [["k": .int(1)]])
    }

    @Test func deleteByIdsAndFilter() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: [[1], [2], [3], [4]],
            metadatas: [["g": .string("x")], ["g": .string("y")], ["g": .string("x")], ["g": .string("x")]])
        #expect(try fixture.store.delete(from: info.id, ids: ["r0", "nonexistent"]) == 1)
        #expect(try fixture.store.delete(from: info.id, where: whereFilter(#"{"g": "x"}"#), limit: 1) == 1)
        #expect(try fixture.store.get(from: info.id).ids == ["r1", "r3"])
        #expect(try fixture.store.delete(from: info.id, ids: ["r1", "r3"], where: whereFilter(#"{"g": "y"}"#)) == 1)
        #expect(try fixture.store.get(from: info.id).ids == ["r3"])
    }

    @Test func deleteArgumentRules() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1]])
        #expect(try fixture.store.delete(from: info.id) == 0)
        #expect(throws: VectorStoreError.self) { try fixture.store.delete(from: info.id, ids: []) }
        #expect(throws: VectorStoreError.invalidArgument("limit can only be specified when a where clause is provided"))
        {
            try fixture.store.delete(from: info.id, ids: ["r0"], limit: 1)
        }
    }

    @Test func deletedRecordsNeverComeBackFromSearch() throws {
        let fixture = try StoreFixture()
        let vectors = randomVectors(200, dimension: 8)
        let info = try fixture.collection(vectors: vectors)
        _ = try fixture.store.query(info.id, embeddings: [vectors[0]])
        let deleted = (0..<200).filter { $0 % 3 == 0 }.map { "r\($0)" }
        try fixture.store.delete(from: info.id, ids: deleted)
        let result = try fixture.store.query(info.id, embeddings: [vectors[0], vectors[3]], nResults: 200)
        for hits in result.results {
            #expect(hits.ids.count == 200 - deleted.count)
            #expect(Set(hits.ids).isDisjoint(with: deleted))
        }
        #expect(result.results[0].ids.first != "r0")
    }

    @Test func writesSurviveReopen() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 2], [3, 4]], documents: ["a", nil])
        try fixture.reopen()
        let result = try fixture.store.get(from: info.id, include: [.documents, .embeddings])
        #expect(result.ids == ["r0", "r1"])
        #expect(result.documents == ["a", nil])
        #expect(result.embeddings == [[1, 2], [3, 4]])
        #expect(try fixture.store.query(info.id, embeddings: [[3, 4]], nResults: 1).results[0].ids == ["r1"])
        let check = try fixture.store.integrityCheck()
        #expect(check == ["ok"])
    }

    /// A metadata column ends at the last row holding its key; deleting rows past that end
    /// (with the index loaded) used to trap in the column's compaction.
    @Test func deletingRowsPastAMetadataColumnsEndKeepsFiltersRight() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: (0..<6).map { [Float($0), 1] }, metadatas: [["a": .int(1)], nil, ["a": .int(2)], nil, nil, nil])
        let onlyA1: Where = .compare(key: "a", .eq, .int(1))
        #expect(
            try fixture.store.query(info.id, embeddings: [[1, 1]], nResults: 6, where: onlyA1).results[0].ids == ["r0"])
        #expect(try fixture.store.delete(from: info.id, ids: ["r5", "r4"]) == 2)
        #expect(try fixture.store.delete(from: info.id, ids: ["r1"]) == 1)
        #expect(try fixture.store.count(info.id) == 3)
        #expect(
            try fixture.store.query(info.id, embeddings: [[1, 1]], nResults: 6, where: onlyA1).results[0].ids == ["r0"])
        let onlyA2: Where = .compare(key: "a", .eq, .int(2))
        #expect(
            try fixture.store.query(info.id, embeddings: [[1, 1]], nResults: 6, where: onlyA2).results[0].ids == ["r2"])
    }
}
