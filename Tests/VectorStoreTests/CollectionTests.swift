import JSON
import Testing

@testable import VectorStore

@Suite struct CollectionTests {
    @Test func defaultTenantAndDatabaseExist() throws {
        let fixture = try StoreFixture()
        try fixture.store.requireTenant("default_tenant")
        #expect(try fixture.store.database("default_database").id == "00000000-0000-0000-0000-000000000000")
    }

    @Test func createGetAndListCollections() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let created = try store.createCollection(name: "papers", metadata: ["owner": .string("me")])
        #expect(created.space == .l2)
        #expect(created.dimension == nil)
        #expect(try store.collection(named: "papers") == created)
        #expect(try store.collection(id: created.id.uppercased()) == created)
        _ = try store.createCollection(name: "notes")
        #expect(try store.collections().count == 2)
        #expect(try store.collections(limit: 1, offset: 1).count == 1)
        #expect(try store.collectionCount() == 2)
    }

    /// `collection(id:)` answers from a cache between writes; every write must show through it.
    @Test func lookupsByIdSeeEveryCommittedChange() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let created = try store.createCollection(name: "papers", metadata: ["owner": .string("me")])
        #expect(try store.collection(id: created.id) == created)
        try store.modifyCollection(id: created.id, newName: "articles", newMetadata: ["owner": .string("you")])
        let renamed = try store.collection(id: created.id)
        #expect(renamed.name == "articles" && renamed.metadata?["owner"] == .string("you"))
        try store.add(to: created.id, RecordBatch(ids: ["a"], embeddings: [[1, 2, 3]]))
        #expect(try store.collection(id: created.id).dimension == 3)
        try store.deleteCollection(named: "articles")
        #expect(throws: VectorStoreError.self) { try store.collection(id: created.id) }

        try store.createDatabase("other")
        let elsewhere = try store.createCollection(name: "notes", database: "other")
        #expect(try store.collection(id: elsewhere.id) == elsewhere)
        try store.deleteDatabase("other")
        #expect(throws: VectorStoreError.self) { try store.collection(id: elsewhere.id) }
    }

    @Test func duplicateNameConflictsUnlessGetOrCreate() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let first = try store.createCollection(name: "dup", metadata: ["a": .int(1)])
        #expect(throws: VectorStoreError.alreadyExists("Collection [dup] already exists")) {
            try store.createCollection(name: "dup")
        }
        let again = try store.createCollection(name: "dup", metadata: ["b": .int(2)], getOrCreate: true)
        #expect(again == first)
    }

    @Test(arguments: ["c1", "-abc", "abc-", "a..b", "192.168.1.1", "has space", String(repeating: "x", count: 513)])
    func invalidNamesAreRejected(name: String) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        #expect(throws: VectorStoreError.self) { try store.createCollection(name: name) }
    }

    @Test func emptyMetadataIsRejected() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        #expect(throws: VectorStoreError.invalidArgument("Validation error: metadata: Metadata cannot be empty")) {
            try store.createCollection(name: "abc", metadata: [:])
        }
    }

    @Test func spaceComesFromConfigurationThenMetadataThenDefault() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let configuration = JSONObject([(key: "hnsw", value: ["space": "cosine"])])
        let a = try store.createCollection(
            name: "aaa", metadata: ["hnsw:space": .string("l2")], configuration: configuration)
        #expect(a.space == .cosine)
        #expect(a.configuration["hnsw"]?.objectValue?["space"] == "cosine")
        let b = try store.createCollection(name: "bbb", metadata: ["hnsw:space": .string("ip"), "hnsw:M": .int(32)])
        #expect(b.space == .ip)
        #expect(b.configuration["hnsw"]?.objectValue?["max_neighbors"] == 32)
        #expect(b.metadata?["hnsw:M"] == .int(32))
        #expect(throws: VectorStoreError.self) {
            try store.createCollection(name: "ccc", metadata: ["hnsw:space": .string("bogus")])
        }
    }

    @Test func collectionInMissingDatabaseIsRejected() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        #expect(throws: VectorStoreError.invalidArgument("Database [nodb] does not exist")) {
            try store.createCollection(name: "abc", database: "nodb")
        }
    }

    @Test func modifyRenamesAndReplacesMetadata() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let info = try store.createCollection(
            name: "old", metadata: ["hnsw:space": .string("cosine"), "owner": .string("me")])
        try store.modifyCollection(id: info.id, newName: "new", newMetadata: ["m": .int(1), "gone": nil])
        let modified = try store.collection(id: info.id)
        #expect(modified.name == "new")
        #expect(modified.metadata == ["m": .int(1)])
        #expect(modified.space == .cosine)
        #expect(throws: VectorStoreError.notFound("Collection [old] does not exist")) {
            try store.collection(named: "old")
        }
    }

    @Test func renameOntoExistingNameConflicts() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let a = try store.createCollection(name: "aaa")
        _ = try store.createCollection(name: "bbb")
        #expect(throws: VectorStoreError.alreadyExists("Collection [bbb] already exists")) {
            try store.modifyCollection(id: a.id, newName: "bbb")
        }
    }

    @Test func deleteRemovesCollectionAndRecords() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1, 2], [3, 4]])
        try fixture.store.deleteCollection(named: "test")
        #expect(throws: VectorStoreError.notFound("Collection [\(info.id)] does not exist.")) {
            try fixture.store.count(info.id)
        }
        #expect(throws: VectorStoreError.notFound("Collection [test] does not exist")) {
            try fixture.store.deleteCollection(named: "test")
        }
    }

    @Test func forkCopiesRecordsInOrderAndCountsTheLineage() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let info = try fixture.collection(
            space: .cosine, vectors: [[1, 0], [0, 1], [1, 1]], documents: ["apple", nil, "pear"],
            metadatas: [["k": .int(1)], nil, ["k": .int(3)]])
        let fork = try store.forkCollection(id: info.id, newName: "copy")
        #expect(fork.space == .cosine && fork.dimension == 2 && fork.id != info.id)
        let copied = try store.get(from: fork.id, include: [.documents, .metadatas, .embeddings])
        #expect(copied == (try store.get(from: info.id, include: [.documents, .metadatas, .embeddings])))
        #expect(try store.get(from: fork.id, whereDocument: whereDocument(#"{"$contains": "pear"}"#)).ids == ["r2"])
        // Independent afterwards.
        try store.delete(from: info.id, ids: ["r0"])
        #expect(try store.count(fork.id) == 3)
        _ = try store.forkCollection(id: fork.id, newName: "copy2")
        #expect(try store.forkCount(id: info.id) == 2)
        #expect(try store.forkCount(id: fork.id) == 2)
        #expect(throws: VectorStoreError.alreadyExists("Collection [copy] already exists")) {
            try store.forkCollection(id: info.id, newName: "copy")
        }
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func malformedCollectionIDIsInvalidArgument() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        #expect(throws: VectorStoreError.invalidArgument("Collection ID is not a valid UUIDv4")) {
            try store.count("not-a-uuid")
        }
    }

    @Test func databasesAndTenants() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.createTenant("tenant1")
        #expect(throws: VectorStoreError.alreadyExists("Tenant [tenant1] already exists")) {
            try store.createTenant("tenant1")
        }
        #expect(throws: VectorStoreError.self) { try store.createTenant("t1") }
        #expect(throws: VectorStoreError.notFound("Tenant [nope] not found")) { try store.requireTenant("nope") }
        try store.createDatabase("db2", tenant: "tenant1")
        try store.createDatabase("db1", tenant: "tenant1")
        #expect(try store.databases(tenant: "tenant1").map(\.name) == ["db1", "db2"])
        #expect(try store.databases(tenant: "tenant1", limit: 1, offset: 1).map(\.name) == ["db2"])
        try store.deleteDatabase("db2", tenant: "tenant1")
        #expect(throws: VectorStoreError.self) { try store.database("db2", tenant: "tenant1") }
    }

    @Test func resetRecreatesDefaults() throws {
        let fixture = try StoreFixture()
        let info = try fixture.collection(vectors: [[1]])
        try fixture.store.reset()
        #expect(try fixture.store.collections().isEmpty)
        #expect(throws: VectorStoreError.self) { try fixture.store.count(info.id) }
        _ = try fixture.store.createCollection(name: "test")
    }
}
