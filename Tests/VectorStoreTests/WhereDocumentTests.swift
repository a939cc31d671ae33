import Testing

@testable import VectorStore

/// The `where_document` behaviour of chroma-api.md §8.3.
@Suite struct WhereDocumentTests {
    let fixture: StoreFixture
    let info: CollectionInfo

    init() throws {
        fixture = try StoreFixture()
        info = try fixture.collection(
            vectors: [[0], [1], [2], [3], [4], [5]],
            documents: ["The quick brown fox", "lazy dog", nil, "100% sure_thing", "", "naïve café fox"])
    }

    func ids(_ filter: String) throws -> [String] {
        try fixture.store.get(from: info.id, whereDocument: whereDocument(filter)).ids
    }

    @Test func containsIsCaseSensitiveSubstring() throws {
        #expect(try ids(#"{"$contains": "fox"}"#) == ["r0", "r5"])
        #expect(try ids(#"{"$contains": "FOX"}"#) == [])
        #expect(try ids(#"{"$contains": "quick brown"}"#) == ["r0"])
        #expect(try ids(#"{"$contains": "café"}"#) == ["r5"])
    }

    @Test func shortSubstringsWork() throws {
        #expect(try ids(#"{"$contains": "do"}"#) == ["r1"])
        #expect(try ids(#"{"$contains": "é"}"#) == ["r5"])
    }

    @Test func likeWildcardsAreLiteral() throws {
        #expect(try ids(#"{"$contains": "0% s"}"#) == ["r3"])
        #expect(try ids(#"{"$contains": "e_t"}"#) == ["r3"])
        #expect(try ids(#"{"$contains": "%"}"#) == ["r3"])
        #expect(try ids(#"{"$contains": "q%k"}"#) == [])
    }

    @Test func emptyContainsMatchesEveryDocument() throws {
        #expect(try ids(#"{"$contains": ""}"#) == ["r0", "r1", "r3", "r4", "r5"])
    }

    @Test func negationsMatchRecordsWithoutDocument() throws {
        #expect(try ids(#"{"$not_contains": "fox"}"#) == ["r1", "r2", "r3", "r4"])
        #expect(try ids(#"{"$not_regex": "o"}"#) == ["r2", "r3", "r4"])
    }

    @Test func regexSearchIsUnanchored() throws {
        #expect(try ids(#"{"$regex": "f.x"}"#) == ["r0", "r5"])
        #expect(try ids(#"{"$regex": "^lazy"}"#) == ["r1"])
        #expect(try ids(#"{"$regex": "(?i)THE"}"#) == ["r0"])
        #expect(try ids(#"{"$regex": "\\d+%"}"#) == ["r3"])
    }

    @Test func invalidRegexIsAClearError() throws {
        #expect(throws: VectorStoreError.self) { try ids(#"{"$regex": "(unclosed"}"#) }
    }

    @Test func pathologicalRegexIsBoundedInTime() throws {
        let fixture = try StoreFixture()
        let hostile = String(repeating: "a", count: 5000) + "!"
        let info = try fixture.collection(vectors: [[1]], documents: [hostile])
        let start = ContinuousClock.now
        #expect(throws: VectorStoreError.self) {
            try fixture.store.get(from: info.id, whereDocument: whereDocument(#"{"$regex": "(a+)+$"}"#))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func logicalCombinations() throws {
        #expect(try ids(#"{"$and": [{"$contains": "fox"}, {"$contains": "quick"}]}"#) == ["r0"])
        #expect(try ids(#"{"$or": [{"$contains": "lazy"}, {"$contains": "café"}]}"#) == ["r1", "r5"])
        #expect(try ids(#"{"$and": []}"#) == ["r0", "r1", "r2", "r3", "r4", "r5"])
    }

    @Test func containsSurvivesUpdatesAndDeletes() throws {
        try fixture.store.update(in: info.id, RecordBatch(ids: ["r1"], documents: ["lazy fox"]))
        try fixture.store.delete(from: info.id, ids: ["r0"])
        #expect(try ids(#"{"$contains": "fox"}"#) == ["r1", "r5"])
        #expect(try ids(#"{"$contains": "dog"}"#) == [])
    }

    @Test func documentIndexStaysConsistentThroughDuplicateUpserts() throws {
        try fixture.store.upsert(
            to: info.id,
            RecordBatch(
                ids: ["u", "u", "r1", "v"], embeddings: [[1], [2], [3], [4]],
                documents: ["first draft", "final text", "lazy cat", nil]))
        try fixture.store.update(in: info.id, RecordBatch(ids: ["u", "v"], documents: ["final final", "vee"]))
        #expect(try ids(#"{"$contains": "draft"}"#) == [])
        #expect(try ids(#"{"$contains": "final final"}"#) == ["u"])
        #expect(try ids(#"{"$contains": "lazy"}"#) == ["r1"])
        #expect(try ids(#"{"$contains": "vee"}"#) == ["v"])
        #expect(try fixture.store.integrityCheck() == ["ok"])
    }

    @Test(arguments: [
        #"{"$contains": 1}"#, #"{"$foo": "a"}"#, #"{"$contains": "a", "$regex": "b"}"#, #"[]"#, #"{"$and": "x"}"#,
    ])
    func malformedFiltersAreInvalid(filter: String) throws {
        #expect(throws: VectorStoreError.invalidArgument("Invalid where document clause")) { try whereDocument(filter) }
    }
}
