import Testing

@testable import VectorStore

/// The `where` table of chroma-api.md §8.2, observed on Chroma 1.5.9.
@Suite struct WhereTests {
    let fixture: StoreFixture
    let info: CollectionInfo

    init() throws {
        fixture = try StoreFixture()
        info = try fixture.store.createCollection(name: "filters")
        let metadatas: [MetadataPatch?] = [
            [
                "color": .string("red"), "n": .int(1), "f": .double(1.5), "ok": .bool(true),
                "tags": .array([.string("a"), .string("b")]),
            ],
            ["n": .int(7), "f": .double(2.5), "ok": .bool(false), "tags": .array([.string("b")])],
            ["color": .string("red"), "n": .int(3), "nums": .array([.int(1), .int(2), .int(3)]), "y": .double(1.0)],
            nil, nil, nil,
        ]
        try fixture.store.add(
            to: info.id,
            RecordBatch(
                ids: ["r1", "r2", "r3", "r4", "a0", "zz9"], embeddings: Array(repeating: [1], count: 6),
                metadatas: metadatas))
    }

    func ids(_ filter: String) throws -> [String] {
        try fixture.store.get(from: info.id, where: whereFilter(filter)).ids
    }

    @Test func equality() throws {
        #expect(try ids(#"{"color": "red"}"#) == ["r1", "r3"])
        #expect(try ids(#"{"color": {"$eq": "red"}}"#) == ["r1", "r3"])
    }

    @Test func notEqualMatchesRecordsWithoutTheKey() throws {
        #expect(try ids(#"{"color": {"$ne": "red"}}"#) == ["r2", "r4", "a0", "zz9"])
    }

    @Test func notInMatchesRecordsWithoutTheKey() throws {
        #expect(try ids(#"{"n": {"$nin": [1, 3]}}"#) == ["r2", "r4", "a0", "zz9"])
    }

    @Test func intsAndFloatsCompareNumerically() throws {
        #expect(try ids(#"{"n": {"$gt": 1.5}}"#) == ["r2", "r3"])
        #expect(try ids(#"{"n": 1.0}"#) == ["r1"])
        #expect(try ids(#"{"n": {"$in": [1.0, 3]}}"#) == ["r1", "r3"])
        #expect(try ids(#"{"y": 1}"#) == ["r3"])
        #expect(try ids(#"{"f": {"$lte": 1.5}}"#) == ["r1"])
        #expect(try ids(#"{"f": {"$lt": 2.5}}"#) == ["r1"])
        #expect(try ids(#"{"f": {"$gte": 2.5}}"#) == ["r2"])
    }

    @Test func kindsDoNotMix() throws {
        #expect(try ids(#"{"n": "1"}"#) == [])
        #expect(try ids(#"{"ok": 1}"#) == [])
        #expect(try ids(#"{"n": {"$eq": true}}"#) == [])
        #expect(try ids(#"{"n": {"$in": [true]}}"#) == [])
        #expect(try ids(#"{"ok": false}"#) == ["r2"])
    }

    @Test func arrayMembership() throws {
        #expect(try ids(#"{"tags": {"$contains": "a"}}"#) == ["r1"])
        #expect(try ids(#"{"nums": {"$contains": 2}}"#) == ["r3"])
        #expect(try ids(#"{"tags": {"$not_contains": "a"}}"#) == ["r2", "r3", "r4", "a0", "zz9"])
        #expect(try ids(#"{"color": {"$contains": "re"}}"#) == [])
        #expect(try ids(#"{"tags": "a"}"#) == [])
        #expect(try ids(#"{"tags": {"$in": ["a"]}}"#) == [])
    }

    @Test func logicalCombinations() throws {
        #expect(try ids(#"{"$and": [{"color": "red"}, {"n": {"$gt": 1}}]}"#) == ["r3"])
        #expect(try ids(#"{"$or": [{"n": 7}, {"n": 3}]}"#) == ["r2", "r3"])
        #expect(try ids(#"{"$and": [{"$or": [{"n": 7}, {"n": 3}]}, {"ok": false}]}"#) == ["r2"])
        #expect(try ids(#"{"$and": [{"n": 7}]}"#) == ["r2"])
        #expect(try ids(#"{"$and": []}"#) == ["r1", "r2", "r3", "r4", "a0", "zz9"])
        #expect(try ids(#"{"$or": []}"#) == [])
    }

    @Test func emptyObjectMeansNoFilter() throws {
        #expect(try whereFilter("{}") == nil)
    }

    @Test(arguments: [
        #"{"ok": {"$gt": true}}"#, #"{"color": {"$gt": "a"}}"#, #"{"color": "red", "n": 1}"#, #"{"color": {}}"#,
        #"{"n": {"$gt": 1, "$lt": 5}}"#, #"{"n": {"$foo": 1}}"#, #"{"n": {"$in": []}}"#, #"{"n": {"$nin": []}}"#,
        #"{"n": {"$in": "red"}}"#, #"{"n": {"$in": ["a", 1]}}"#, #"{"n": null}"#, #"{"n": [1, 2]}"#,
        #"{"n": {"$regex": "a"}}"#, #"[]"#, #""x""#, #"{"$and": {"n": 1}}"#, #"{"$and": [{}]}"#, #"{"$foo": []}"#,
    ])
    func malformedFiltersAreInvalidWhereClause(filter: String) throws {
        #expect(throws: VectorStoreError.invalidArgument("Invalid where clause")) { try whereFilter(filter) }
    }

    @Test func documentClauseInsideWhere() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1], [2]], documents: ["the quick fox", "lazy dog"])
        #expect(
            try fixture.store.get(from: info.id, where: whereFilter(##"{"#document": {"$contains": "fox"}}"##)).ids == [
                "r0"
            ])
    }

    @Test func filtersSeeUpdatesUpsertsAndDeletes() throws {
        #expect(try ids(#"{"color": "red"}"#) == ["r1", "r3"])  // loads the index
        try fixture.store.update(
            in: info.id, RecordBatch(ids: ["r1", "r4"], metadatas: [["color": nil], ["color": .string("red")]]))
        try fixture.store.upsert(
            to: info.id,
            RecordBatch(ids: ["new"], embeddings: [[1]], metadatas: [["color": .string("red"), "late": .int(1)]]))
        #expect(try ids(#"{"color": "red"}"#) == ["r3", "r4", "new"])
        #expect(try ids(#"{"late": 1}"#) == ["new"])
        #expect(try ids(#"{"late": {"$ne": 1}}"#) == ["r1", "r2", "r3", "r4", "a0", "zz9"])
        try fixture.store.delete(from: info.id, ids: ["r3", "r2"])
        #expect(try ids(#"{"color": "red"}"#) == ["r4", "new"])
        #expect(try ids(#"{"n": {"$gte": 1}}"#) == ["r1"])
        try fixture.reopen()
        #expect(try ids(#"{"color": "red"}"#) == ["r4", "new"])
    }

    @Test func deeplyNestedFilterIsHandled() throws {
        var filter = #"{"n": 1}"#
        for _ in 0..<60 { filter = #"{"$and": ["# + filter + "]}" }
        #expect(try ids(filter) == ["r1"])
    }
}
