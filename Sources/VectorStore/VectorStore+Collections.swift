import Foundation
import JSON

extension VectorStore {
    /// Creates a collection, or with `getOrCreate` returns the existing one unchanged.
    /// The distance space comes from `configuration.hnsw.space`, else metadata `hnsw:space`,
    /// else l2, and never changes afterwards.
    public func createCollection(
        name: String, tenant: String = defaultTenant, database databaseName: String = defaultDatabase,
        metadata: Metadata? = nil, configuration: JSONObject? = nil, schema requestedSchema: JSONObject? = nil,
        getOrCreate: Bool = false
    ) throws -> CollectionInfo {
        try NameRules.validateResourceName(name)
        try Self.validateCollectionMetadata(metadata)
        var (space, resolved) = try CollectionConfiguration.resolve(configuration: configuration, metadata: metadata)
        let (schema, schemaSpace) = try CollectionSchema.resolve(
            requested: requestedSchema, configuration: configuration, resolvedConfiguration: resolved, space: space)
        if let schemaSpace, schemaSpace != space {
            // The schema's vector index names the space; the configuration follows it.
            (space, resolved) = try CollectionConfiguration.resolve(
                configuration: ["hnsw": ["space": .string(schemaSpace.rawValue)]], metadata: metadata)
        }
        return try database.write { db in
            if let existing = try db.collectionRow(tenant: tenant, database: databaseName, name: name) {
                guard getOrCreate else { throw VectorStoreError.alreadyExists("Collection [\(name)] already exists") }
                return existing
            }
            guard let parent = try db.databaseRow(tenant: tenant, name: databaseName) else {
                throw VectorStoreError.invalidArgument("Database [\(databaseName)] does not exist")
            }
            let id = UUID().uuidString.lowercased()
            let key = try db.insertCollection(
                id: id, databaseID: parent.id, name: name, metadata: metadata, configuration: resolved, space: space,
                schema: schema)
            return CollectionInfo(
                id: id, name: name, tenant: tenant, database: databaseName, metadata: metadata,
                configuration: resolved, dimension: nil, space: space, schema: schema, key: key)
        }
    }

    public func collection(
        named name: String, tenant: String = defaultTenant, database databaseName: String = defaultDatabase
    ) throws -> CollectionInfo {
        guard let info = try database.read({ try $0.collectionRow(tenant: tenant, database: databaseName, name: name) })
        else { throw VectorStoreError.notFound("Collection [\(name)] does not exist") }
        return info
    }

    /// The collection with this UUID; `invalidArgument` when `id` is not a UUID.
    public func collection(id: String) throws -> CollectionInfo {
        let id = try Self.normalizedID(id)
        let version = database.version.load(ordering: .acquiring)
        if let info = collectionCache.info(id: id, version: version) { return info }
        guard let info = try database.read({ try $0.collectionRow(id: id) }) else {
            throw VectorStoreError.notFound("Collection [\(id)] does not exist.")
        }
        collectionCache.keep(info, version: version)
        return info
    }

    /// Collections of a database, ordered by id (as Chroma 1.5.9 lists them).
    public func collections(
        tenant: String = defaultTenant, database databaseName: String = defaultDatabase, limit: Int? = nil,
        offset: Int = 0
    ) throws -> [CollectionInfo] {
        try database.read {
            try $0.collectionRows(tenant: tenant, database: databaseName, limit: limit, offset: offset)
        }
    }

    public func collectionCount(tenant: String = defaultTenant, database databaseName: String = defaultDatabase) throws
        -> Int
    {
        try database.read { try $0.collectionCount(tenant: tenant, database: databaseName) }
    }

    /// Renames a collection, replaces its metadata (nil values drop keys) and updates its
    /// mutable configuration; nil arguments leave that part unchanged. The space never changes.
    public func modifyCollection(
        id: String, newName: String? = nil, newMetadata: MetadataPatch? = nil, newConfiguration: JSONObject? = nil
    ) throws {
        let id = try Self.normalizedID(id)
        if let newName { try NameRules.validateResourceName(newName) }
        let replacement = newMetadata.map { $0.compactMapValues { $0 } }
        if newMetadata?.isEmpty == true {
            throw VectorStoreError.invalidArgument("Validation error: metadata: Metadata cannot be empty")
        }
        try Self.validateCollectionMetadata(replacement)
        try database.write { db in
            guard var info = try db.collectionRow(id: id) else {
                throw VectorStoreError.notFound("Collection [\(id)] does not exist.")
            }
            if let newName, newName != info.name {
                if try db.collectionRow(tenant: info.tenant, database: info.database, name: newName) != nil {
                    throw VectorStoreError.alreadyExists("Collection [\(newName)] already exists")
                }
                info.name = newName
            }
            if let replacement { info.metadata = replacement.isEmpty ? nil : replacement }
            if let newConfiguration {
                info.configuration = try CollectionConfiguration.update(info.configuration, with: newConfiguration)
                info.schema = CollectionSchema.updatingVectorIndex(
                    info.schema, configuration: info.configuration, space: info.space)
            }
            try db.updateCollection(
                key: info.key, name: info.name, metadata: info.metadata, configuration: info.configuration,
                schema: info.schema)
        }
    }

    /// Copies a collection — configuration, metadata and every record, in order — under a new
    /// name in the same database. The copy is a snapshot: writes to the source wait for it.
    public func forkCollection(id: String, newName: String) throws -> CollectionInfo {
        try NameRules.validateResourceName(newName)
        let source = try collection(id: id)
        return try indexes.index(for: source).lock.withReadLock {
            try database.write { db in
                guard let current = try db.collectionRow(id: source.id),
                    let parent = try db.databaseRow(tenant: current.tenant, name: current.database)
                else { throw VectorStoreError.notFound("Collection [\(source.id)] does not exist.") }
                if try db.collectionRow(tenant: current.tenant, database: current.database, name: newName) != nil {
                    throw VectorStoreError.alreadyExists("Collection [\(newName)] already exists")
                }
                let id = UUID().uuidString.lowercased()
                let key = try db.insertCollection(
                    id: id, databaseID: parent.id, name: newName, metadata: current.metadata,
                    configuration: current.configuration, space: current.space, schema: current.schema,
                    dimension: current.dimension, lineage: try db.lineageRoot(of: current.id))
                _ = try db.copyRecords(from: current.key, to: key)
                return CollectionInfo(
                    id: id, name: newName, tenant: current.tenant, database: current.database,
                    metadata: current.metadata,
                    configuration: current.configuration, dimension: current.dimension, space: current.space,
                    schema: current.schema, key: key)
            }
        }
    }

    /// How many forks the collection's lineage holds (the collection it started from excluded).
    public func forkCount(id: String) throws -> Int {
        let info = try collection(id: id)
        return try database.read { db in try db.lineageSize(root: try db.lineageRoot(of: info.id)) - 1 }
    }

    public func deleteCollection(
        named name: String, tenant: String = defaultTenant, database databaseName: String = defaultDatabase
    ) throws {
        let info = try collection(named: name, tenant: tenant, database: databaseName)
        let index = try indexes.index(for: info)
        try index.lock.withWriteLock {
            try database.write { db in try db.deleteCollection(key: info.key) }
            indexes.drop([info.id])
        }
    }

    static func validateCollectionMetadata(_ metadata: Metadata?) throws {
        guard let metadata else { return }
        if metadata.isEmpty {
            throw VectorStoreError.invalidArgument("Validation error: metadata: Metadata cannot be empty")
        }
        for key in metadata.keys where key.isEmpty {
            throw VectorStoreError.invalidArgument("Validation error: metadata: Invalid metadata key")
        }
    }

    /// Lower-cased UUID text, or `invalidArgument` as Chroma answers for a malformed id.
    static func normalizedID(_ id: String) throws -> String {
        guard let uuid = UUID(uuidString: id) else {
            throw VectorStoreError.invalidArgument("Collection ID is not a valid UUIDv4")
        }
        return uuid.uuidString.lowercased()
    }
}
