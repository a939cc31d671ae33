import Testing

@testable import VectorStore

@Suite struct GetTests {
    func fixtureWithFive() throws -> (StoreFixture, CollectionInfo) {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: [[0], [1], [2], [3], [4]], documents: ["a", "b", nil, "d", "e"],
            metadatas: [["k": .int(0)], ["k": .int(1)], ["k": .int(2)], nil, ["k": .int(4)]])
        return (fixture, info)
    }

    @Test func insertionOrderNotRequestOrder() throws {
        let (fixture, info) = try fixtureWithFive()
        #expect(try fixture.store.get(from: info.id, ids: ["r3", "r1", "zz"]).ids == ["r1", "r3"])
    }

    @Test func limitAndOffsetApplyAfterFiltering() throws {
        let (fixture, info) = try fixtureWithFive()
        let store = fixture.store
        #expect(try store.get(from: info.id, limit: 2).ids == ["r0", "r1"])
        #expect(try store.get(from: info.id, offset: 3).ids == ["r3", "r4"])
        #expect(try store.get(from: info.id, limit: 0).ids == [])
        #expect(try store.get(from: info.id, offset: 9).ids == [])
        #expect(
            try store.get(from: info.id, where: whereFilter(#"{"k": {"$gte": 1}}"#), limit: 2, offset: 1).ids == [
                "r2", "r4",
            ])
        #expect(try store.get(from: info.id, ids: ["r4", "r2", "r0"], limit: 1, offset: 1).ids == ["r2"])
        #expect(throws: VectorStoreError.self) { try store.get(from: info.id, limit: -1) }
    }

    @Test func includeSelectsColumns() throws {
        let (fixture, info) = try fixtureWithFive()
        let none = try fixture.store.get(from: info.id, ids: ["r0"], include: [])
        #expect(none.ids == ["r0"])
        #expect(none.documents == nil && none.metadatas == nil && none.embeddings == nil && none.uris == nil)
        let all = try fixture.store.get(
            from: info.id, ids: ["r2"], include: [.documents, .metadatas, .embeddings, .uris])
        #expect(all.documents == [nil])
        #expect(all.metadatas == [["k": .int(2)]])
        #expect(all.embeddings == [[2]])
        #expect(all.uris == [nil])
    }

    @Test func emptyIdListGivesEmptyResult() throws {
        let (fixture, info) = try fixtureWithFive()
        #expect(try fixture.store.get(from: info.id, ids: []).ids == [])
    }

    @Test func peekReturnsFirstRecordsWithEmbeddings() throws {
        let (fixture, info) = try fixtureWithFive()
        let peek = try fixture.store.peek(info.id, limit: 2)
        #expect(peek.ids == ["r0", "r1"])
        #expect(peek.embeddings == [[0], [1]])
    }

    @Test func countCountsRecords() throws {
        let (fixture, info) = try fixtureWithFive()
        #expect(try fixture.store.count(info.id) == 5)
    }
}
