import Hummingbird
import JSON
import VectorStore

extension ChromaAPI {
    func createTenant(_ request: Request) async throws -> Response {
        try store.createTenant(try await fields(request).requiredString("name"))
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }

    func getTenant(_ name: String) throws -> Response {
        try store.requireTenant(name)
        return ChromaResponse.json(["name": .string(name), "resource_name": .null])
    }

    func createDatabase(_ request: Request, tenant: String) async throws -> Response {
        try store.createDatabase(try await fields(request).requiredString("name"), tenant: tenant)
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }

    func getDatabase(_ name: String, tenant: String) throws -> Response {
        ChromaResponse.json(Self.databaseJSON(try store.database(name, tenant: tenant)))
    }

    func listDatabases(_ request: Request, tenant: String) throws -> Response {
        let databases = try store.databases(
            tenant: tenant, limit: try queryCount(request, "limit"), offset: try queryCount(request, "offset") ?? 0)
        return ChromaResponse.json(.array(databases.map(Self.databaseJSON)))
    }

    func deleteDatabase(_ name: String, tenant: String) throws -> Response {
        try store.deleteDatabase(name, tenant: tenant)
        return ChromaResponse.json([:])
    }

    static func databaseJSON(_ info: DatabaseInfo) -> JSONValue {
        ["id": .string(info.id), "name": .string(info.name), "tenant": .string(info.tenant)]
    }

    // MARK: - Collections

    func createCollection(_ request: Request, tenant: String, database: String) async throws -> Response {
        let fields = try await fields(request)
        let configuration = fields["configuration"]
        if let configuration, configuration.objectValue == nil {
            throw ChromaHTTPError.unprocessable("configuration: expected an object")
        }
        let info = try store.createCollection(
            name: try fields.requiredString("name"), tenant: tenant, database: database,
            metadata: try fields.metadata("metadata"), configuration: configuration?.objectValue,
            getOrCreate: try fields.bool("get_or_create") ?? false)
        return ChromaResponse.json(CollectionJSON.encode(info, ClientDialect(request)))
    }

    func getCollection(_ request: Request, name: String, tenant: String, database: String) throws -> Response {
        let info = try store.collection(named: name, tenant: tenant, database: database)
        return ChromaResponse.json(CollectionJSON.encode(info, ClientDialect(request)))
    }

    func getCollection(_ request: Request, id: String) throws -> Response {
        let info: CollectionInfo
        do {
            info = try store.collection(id: id)
        } catch VectorStoreError.invalidArgument {
            throw ChromaHTTPError.invalidArgument(
                "Validation error: collection_id: Invalid collection ID format, expected UUID")
        }
        return ChromaResponse.json(CollectionJSON.encode(info, ClientDialect(request)))
    }

    func listCollections(_ request: Request, tenant: String, database: String) throws -> Response {
        let collections = try store.collections(
            tenant: tenant, database: database, limit: try queryCount(request, "limit"),
            offset: try queryCount(request, "offset") ?? 0)
        let dialect = ClientDialect(request)
        return ChromaResponse.json(.array(collections.map { CollectionJSON.encode($0, dialect) }))
    }

    func countCollections(tenant: String, database: String) throws -> Response {
        ChromaResponse.json(.int(Int64(try store.collectionCount(tenant: tenant, database: database))))
    }

    func modifyCollection(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        let newConfiguration = fields["new_configuration"]
        if let newConfiguration, newConfiguration.objectValue == nil {
            throw ChromaHTTPError.unprocessable("new_configuration: expected an object")
        }
        try store.modifyCollection(
            id: id, newName: try fields.string("new_name"), newMetadata: try fields.metadataPatch("new_metadata"),
            newConfiguration: newConfiguration?.objectValue)
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }

    func deleteCollection(_ request: Request, name: String, tenant: String, database: String) throws -> Response {
        try store.deleteCollection(named: name, tenant: tenant, database: database)
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }
}
