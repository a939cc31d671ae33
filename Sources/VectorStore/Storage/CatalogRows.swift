import Foundation
import GRDB
import JSON

/// SQL for tenants, databases and collections.
extension Database {
    func tenantExists(_ name: String) throws -> Bool {
        try Bool.fetchOne(self, sql: "SELECT EXISTS(SELECT 1 FROM tenants WHERE name = ?)", arguments: [name]) ?? false
    }

    func tenantNames() throws -> [String] {
        try String.fetchAll(self, sql: "SELECT name FROM tenants ORDER BY name")
    }

    /// Inserts a tenant; false when it existed.
    func insertTenant(_ name: String) throws -> Bool {
        try execute(sql: "INSERT INTO tenants(name) VALUES (?) ON CONFLICT DO NOTHING", arguments: [name])
        return changesCount == 1
    }

    func databaseRow(tenant: String, name: String) throws -> DatabaseInfo? {
        try Row.fetchOne(
            self, sql: "SELECT id, name, tenant FROM databases WHERE tenant = ? AND name = ?",
            arguments: [tenant, name]
        ).map { DatabaseInfo(id: $0[0], name: $0[1], tenant: $0[2]) }
    }

    func databaseRows(tenant: String, limit: Int?, offset: Int) throws -> [DatabaseInfo] {
        try Row.fetchAll(
            self, sql: "SELECT id, name, tenant FROM databases WHERE tenant = ? ORDER BY name LIMIT ? OFFSET ?",
            arguments: [tenant, limit ?? -1, offset]
        ).map { DatabaseInfo(id: $0[0], name: $0[1], tenant: $0[2]) }
    }

    /// Inserts a database (and its tenant if missing, as Chroma does); false when it existed.
    func insertDatabase(tenant: String, name: String) throws -> Bool {
        _ = try insertTenant(tenant)
        try execute(
            sql: "INSERT INTO databases(id, tenant, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [UUID().uuidString.lowercased(), tenant, name])
        return changesCount == 1
    }

    func deleteDatabase(tenant: String, name: String) throws -> Bool {
        try execute(sql: "DELETE FROM databases WHERE tenant = ? AND name = ?", arguments: [tenant, name])
        return changesCount == 1
    }

    private static let collectionColumns = """
        c.key, c.id, c.name, d.tenant, d.name, c.metadata, c.configuration, c.space, c.dimension, c.schema
        FROM collections c JOIN databases d ON d.id = c.database_id
        """

    func collectionRow(id: String) throws -> CollectionInfo? {
        try Row.fetchOne(
            cachedStatement(sql: "SELECT \(Self.collectionColumns) WHERE c.id = ?"), arguments: [id]
        ).map(Self.collectionInfo)
    }

    func collectionRow(tenant: String, database: String, name: String) throws -> CollectionInfo? {
        try Row.fetchOne(
            self, sql: "SELECT \(Self.collectionColumns) WHERE d.tenant = ? AND d.name = ? AND c.name = ?",
            arguments: [tenant, database, name]
        ).map(Self.collectionInfo)
    }

    /// Collections of a database, ordered by id as Chroma 1.5.9 lists them.
    func collectionRows(tenant: String, database: String, limit: Int?, offset: Int) throws -> [CollectionInfo] {
        try Row.fetchAll(
            self,
            sql: "SELECT \(Self.collectionColumns) WHERE d.tenant = ? AND d.name = ? ORDER BY c.id LIMIT ? OFFSET ?",
            arguments: [tenant, database, limit ?? -1, offset]
        ).map(Self.collectionInfo)
    }

    func collectionCount(tenant: String, database: String) throws -> Int {
        try Int.fetchOne(
            self,
            sql:
                "SELECT COUNT(*) FROM collections c JOIN databases d ON d.id = c.database_id WHERE d.tenant = ? AND d.name = ?",
            arguments: [tenant, database]) ?? 0
    }

    func insertCollection(
        id: String, databaseID: String, name: String, metadata: Metadata?, configuration: JSONObject,
        space: DistanceSpace, schema: JSONObject, dimension: Int? = nil, lineage: String? = nil
    ) throws -> Int64 {
        try execute(
            sql: """
                INSERT INTO collections(id, database_id, name, metadata, configuration, space, dimension, lineage, schema)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, databaseID, name, Self.metadataText(metadata), JSONWriter.string(.object(configuration)),
                space.rawValue, dimension, lineage, JSONWriter.string(.object(schema)),
            ])
        return lastInsertedRowID
    }

    /// The first collection of `id`'s lineage (itself unless it is a fork).
    func lineageRoot(of id: String) throws -> String {
        try String.fetchOne(self, sql: "SELECT coalesce(lineage, id) FROM collections WHERE id = ?", arguments: [id])
            ?? id
    }

    /// Collections in the lineage rooted at `root`, the root included.
    func lineageSize(root: String) throws -> Int {
        try Int.fetchOne(
            self, sql: "SELECT COUNT(*) FROM collections WHERE coalesce(lineage, id) = ?", arguments: [root]) ?? 0
    }

    func updateCollection(
        key: Int64, name: String, metadata: Metadata?, configuration: JSONObject, schema: JSONObject
    ) throws {
        try execute(
            sql: "UPDATE collections SET name = ?, metadata = ?, configuration = ?, schema = ? WHERE key = ?",
            arguments: [
                name, Self.metadataText(metadata), JSONWriter.string(.object(configuration)),
                JSONWriter.string(.object(schema)), key,
            ])
    }

    func setCollectionSchema(key: Int64, schema: JSONObject) throws {
        try execute(
            sql: "UPDATE collections SET schema = ? WHERE key = ?",
            arguments: [JSONWriter.string(.object(schema)), key])
    }

    func setCollectionDimension(key: Int64, dimension: Int) throws {
        try execute(sql: "UPDATE collections SET dimension = ? WHERE key = ?", arguments: [dimension, key])
    }

    func deleteCollection(key: Int64) throws {
        try execute(sql: "DELETE FROM collections WHERE key = ?", arguments: [key])
    }

    /// Gives the collection a new random revision stamp (in the transaction that changes its
    /// records) and returns it; never 0, which no stamp on disk may match.
    func stampCollection(key: Int64) throws -> Int64 {
        let stamp = Int64.random(in: 1...Int64.max)
        try execute(sql: "UPDATE collections SET revision = ? WHERE key = ?", arguments: [stamp, key])
        return stamp
    }

    /// The collection's revision stamp.
    func collectionStamp(key: Int64) throws -> Int64 {
        try Int64.fetchOne(self, sql: "SELECT revision FROM collections WHERE key = ?", arguments: [key]) ?? 0
    }

    func allCollectionIDs() throws -> [String] {
        try String.fetchAll(self, sql: "SELECT id FROM collections")
    }

    func deleteEverything() throws {
        try execute(sql: "DELETE FROM records; DELETE FROM collections; DELETE FROM databases; DELETE FROM tenants;")
        try execute(sql: "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
        try execute(sql: "INSERT INTO tenants(name) VALUES (?)", arguments: [Schema.defaultTenant])
        try execute(
            sql: "INSERT INTO databases(id, tenant, name) VALUES (?, ?, ?)",
            arguments: [Schema.defaultDatabaseID, Schema.defaultTenant, Schema.defaultDatabase])
    }

    private static func collectionInfo(_ row: Row) throws -> CollectionInfo {
        let configurationText: String = row[6]
        let spaceName: String = row[7]
        guard case .object(let configuration) = try JSONReader.parse(configurationText),
            let space = DistanceSpace(rawValue: spaceName)
        else { throw VectorStoreError.storage("collection \(row[1] as String) has an invalid configuration") }
        let schemaText: String? = row[9]
        let schema =
            try schemaText.flatMap { try JSONReader.parse($0).objectValue }
            ?? CollectionSchema.defaults(configuration: configuration, space: space)
        return CollectionInfo(
            id: row[1], name: row[2], tenant: row[3], database: row[4], metadata: try metadata(fromText: row[5]),
            configuration: configuration, dimension: row[8], space: space, schema: schema, key: row[0])
    }
}

/// A database as Chroma describes it.
public struct DatabaseInfo: Sendable, Equatable {
    public let id: String
    public let name: String
    public let tenant: String
}
