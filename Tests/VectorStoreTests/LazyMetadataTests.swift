import Testing

@testable import VectorStore

/// A reopened collection loads its vectors for the first search and its metadata only for the
/// first request that reads it; writes in between must not be lost to that later load.
@Suite struct LazyMetadataTests {
    @Test func metadataLoadsOnTheFirstFilterWithEveryWriteSinceTheOpen() throws {
        let fixture = try StoreFixture()
        let vectors = (0..<40).map { [Float($0), 1, 0] }
        let info = try fixture.collection(
            vectors: vectors, metadatas: (0..<40).map { ["parity": .int(Int64($0 % 2))] })
        try fixture.reopen()
        let store = fixture.store
        let index = try store.indexes.index(for: info)

        _ = try store.query(info.id, embeddings: [[5, 1, 0]], nResults: 3)
        #expect(index.lock.withReadLock { index.loaded?.hasMetadata } == false)

        // Writes while the columns are not loaded: an add, an update of a key, a delete.
        try store.add(
            to: info.id, RecordBatch(ids: ["new"], embeddings: [[100, 1, 0]], metadatas: [["parity": .int(1)]]))
        try store.update(in: info.id, RecordBatch(ids: ["r2"], metadatas: [["parity": .int(1)]]))
        try store.delete(from: info.id, ids: ["r3"])

        let odd = try store.get(from: info.id, where: Where.parse(["parity": 1]))
        #expect(index.lock.withReadLock { index.loaded?.hasMetadata } == true)
        let expected = ["r2"] + (0..<40).filter { $0 % 2 == 1 && $0 != 3 }.map { "r\($0)" } + ["new"]
        #expect(Set(odd.ids) == Set(expected))
        #expect(odd.ids.count == expected.count)

        // From now on the columns follow writes.
        try store.update(in: info.id, RecordBatch(ids: ["r5"], metadatas: [["parity": .int(0)]]))
        let nearest = try store.query(info.id, embeddings: [[5, 1, 0]], nResults: 1, where: Where.parse(["parity": 1]))
        #expect(nearest.results[0].ids == ["r7"])
        #expect(!(try store.get(from: info.id, where: Where.parse(["parity": 1])).ids.contains("r5")))
    }

    @Test func aDeleteByFilterLoadsTheMetadataFirst() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(
            vectors: (0..<10).map { [Float($0), 1] }, metadatas: (0..<10).map { ["big": .bool($0 >= 5)] })
        try fixture.reopen()
        #expect(try fixture.store.delete(from: info.id, where: Where.parse(["big": true])) == 5)
        #expect(try fixture.store.count(info.id) == 5)
    }
}
