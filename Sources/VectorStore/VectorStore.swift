import Foundation

/// An embedded vector database with Chroma's data model and semantics: tenants hold
/// databases, databases hold collections, collections hold records (id, float32 embedding,
/// document, URI, metadata).
///
/// SQLite (WAL) is the store of record: a call returns only after its transaction has
/// committed, and a batch is validated whole before anything is written. Search is exact:
/// each collection's vectors are also kept in memory as one contiguous matrix and every
/// candidate is scored.
///
///     let store = try VectorStore(path: "data")
///     let docs = try store.createCollection(name: "docs", metadata: ["hnsw:space": .string("cosine")])
///     try store.add(to: docs.id, RecordBatch(ids: ["a"], embeddings: [[1, 0, 0]]))
///     let hits = try store.query(docs.id, embeddings: [[1, 0, 0]], nResults: 5)
///
/// All methods are safe to call from any thread; errors are `VectorStoreError`.
public final class VectorStore: Sendable {
    public static let defaultTenant = Schema.defaultTenant
    public static let defaultDatabase = Schema.defaultDatabase

    let database: StoreDatabase
    let indexes: IndexRegistry
    let collectionCache = CollectionCache()

    /// Opens (creating if needed) the store kept in `path`, a directory.
    public convenience init(path: String) throws {
        try self.init(path: path, snapshotDelay: .seconds(2))
    }

    /// `snapshotDelay`: how long writes to a collection must pause before its index is saved.
    init(path: String, snapshotDelay: Duration) throws {
        database = try StoreDatabase(directory: path)
        let files = try RowDirectory(store: path)
        files.sweep(keeping: Set(try database.read { try $0.allCollectionIDs() }))
        indexes = IndexRegistry(files: files, quietDelay: snapshotDelay)
    }

    /// The SQLite file holding the store.
    public var databaseFile: String { database.path }

    /// Saves what changed of the loaded collections' indexes (so the next open maps them) and
    /// closes the SQLite connections; the store must not be used afterwards.
    public func close() throws {
        indexes.saveSnapshots()
        indexes.files.release()
        try database.close()
    }

    /// Writes a consistent snapshot of the whole store to the file `destination` without
    /// stopping readers or writers; the snapshot is itself a store file (`vectors.sqlite3`).
    public func backup(to destination: String) throws {
        try database.backup(to: destination)
    }

    /// Takes the lock of the store directory `path` for as long as the returned value lives:
    /// shared, as every open store holds it, or exclusive (no store open on it in any process).
    /// Throws when it cannot be had at once.
    public static func lock(path: String, exclusive: Bool) throws -> any Sendable {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return try StoreLock(directory: path, exclusive: exclusive)
    }

    /// The file a store in `directory` keeps its data in.
    public static func databaseFile(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(StoreDatabase.fileName)
    }

    /// SQLite's `PRAGMA integrity_check` result: `["ok"]` when the file is sound.
    public func integrityCheck() throws -> [String] {
        try database.integrityCheck()
    }

    // MARK: - Tenants

    public func createTenant(_ name: String) throws {
        try NameRules.validateTenantName(name)
        guard try database.write({ try $0.insertTenant(name) }) else {
            throw VectorStoreError.alreadyExists("Tenant [\(name)] already exists")
        }
    }

    /// Every tenant's name, sorted (Chroma's API has no such listing; the web console does).
    public func tenantNames() throws -> [String] {
        try database.read { try $0.tenantNames() }
    }

    /// Throws `notFound` unless the tenant exists.
    public func requireTenant(_ name: String) throws {
        guard try database.read({ try $0.tenantExists(name) }) else {
            throw VectorStoreError.notFound("Tenant [\(name)] not found")
        }
    }

    // MARK: - Databases

    public func createDatabase(_ name: String, tenant: String = defaultTenant) throws {
        try NameRules.validateResourceName(name)
        guard try database.write({ try $0.insertDatabase(tenant: tenant, name: name) }) else {
            throw VectorStoreError.alreadyExists("Database [\(name)] already exists")
        }
    }

    public func database(_ name: String, tenant: String = defaultTenant) throws -> DatabaseInfo {
        guard let info = try database.read({ try $0.databaseRow(tenant: tenant, name: name) }) else {
            throw VectorStoreError.notFound("Database [\(name)] not found. Are you sure it exists?")
        }
        return info
    }

    /// Databases of a tenant, ordered by name.
    public func databases(tenant: String = defaultTenant, limit: Int? = nil, offset: Int = 0) throws -> [DatabaseInfo] {
        try database.read { try $0.databaseRows(tenant: tenant, limit: limit, offset: offset) }
    }

    public func deleteDatabase(_ name: String, tenant: String = defaultTenant) throws {
        let ids = try collections(tenant: tenant, database: name).map(\.id)
        guard try database.write({ try $0.deleteDatabase(tenant: tenant, name: name) }) else {
            throw VectorStoreError.notFound("Database [\(name)] not found. Are you sure it exists?")
        }
        indexes.drop(ids)
    }

    /// Deletes everything and recreates the default tenant and database.
    public func reset() throws {
        let ids = try database.write { db in
            let ids = try db.allCollectionIDs()
            try db.deleteEverything()
            return ids
        }
        indexes.drop(ids)
    }
}
