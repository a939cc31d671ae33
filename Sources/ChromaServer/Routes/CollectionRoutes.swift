import Hummingbird
import JSON
import VectorStore

extension ChromaAPI {
    func createTenant(_ request: Request) async throws -> Response {
        let name = try await fields(request).requiredString("name")
        try await store.run { try store.createTenant(name) }
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }

    func getTenant(_ name: String) async throws -> Response {
        try await store.run {
            try store.requireTenant(name)
            return ChromaResponse.json(["name": .string(name), "resource_name": .null])
        }
    }

    func createDatabase(_ request: Request, tenant: String) async throws -> Response {
        let name = try await fields(request).requiredString("name")
        try await store.run { try store.createDatabase(name, tenant: tenant) }
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }

    func getDatabase(_ name: String, tenant: String) async throws -> Response {
        try await store.run {
            ChromaResponse.json(Self.databaseJSON(try store.database(name, tenant: tenant)))
        }
    }

    func listDatabases(_ request: Request, tenant: String) async throws -> Response {
        try await store.run {
            let databases = try store.databases(
                tenant: tenant, limit: try queryCount(request, "limit"), offset: try queryCount(request, "offset") ?? 0)
            return ChromaResponse.json(.array(databases.map(Self.databaseJSON)))
        }
    }

    func deleteDatabase(_ name: String, tenant: String) async throws -> Response {
        try await store.run {
            try store.deleteDatabase(name, tenant: tenant)
            return ChromaResponse.json([:])
        }
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
        let schema = fields["schema"]
        if let schema, !schema.isNull, schema.objectValue == nil {
            throw ChromaHTTPError.unprocessable("schema: expected an object")
        }
        let name = try fields.requiredString("name")
        let metadata = try fields.metadata("metadata")
        let getOrCreate = try fields.bool("get_or_create") ?? false
        let info = try await store.run {
            try store.createCollection(
                name: name, tenant: tenant, database: database, metadata: metadata,
                configuration: configuration?.objectValue, schema: schema?.objectValue, getOrCreate: getOrCreate)
        }
        return ChromaResponse.json(CollectionJSON.encode(info, ClientDialect(request)))
    }

    func getCollection(_ request: Request, name: String, tenant: String, database: String) async throws -> Response {
        try await store.run {
            let info = try store.collection(named: name, tenant: tenant, database: database)
            return ChromaResponse.json(CollectionJSON.encode(info, ClientDialect(request)))
        }
    }

    func getCollection(_ request: Request, id: String) async throws -> Response {
        try await store.run {
            let info: CollectionInfo
            do {
                info = try store.collection(id: id)
            } catch VectorStoreError.invalidArgument {
                throw ChromaHTTPError.invalidArgument(
                    "Validation error: collection_id: Invalid collection ID format, expected UUID")
            }
            return ChromaResponse.json(CollectionJSON.encode(info, ClientDialect(request)))
        }
    }

    func listCollections(_ request: Request, tenant: String, database: String) async throws -> Response {
        try await store.run {
            let collections = try store.collections(
                tenant: tenant, database: database, limit: try queryCount(request, "limit"),
                offset: try queryCount(request, "offset") ?? 0)
            let dialect = ClientDialect(request)
            return ChromaResponse.json(.array(collections.map { CollectionJSON.encode($0, dialect) }))
        }
    }

    func countCollections(tenant: String, database: String) async throws -> Response {
        try await store.run {
            ChromaResponse.json(.int(Int64(try store.collectionCount(tenant: tenant, database: database))))
        }
    }

    func modifyCollection(_ request: Request, id: String) async throws -> Response {
        let fields = try await fields(request)
        let newConfiguration = fields["new_configuration"]
        if let newConfiguration, newConfiguration.objectValue == nil {
            throw ChromaHTTPError.unprocessable("new_configuration: expected an object")
        }
        let newName = try fields.string("new_name")
        let newMetadata = try fields.metadataPatch("new_metadata")
        try await store.run {
            try store.modifyCollection(
                id: id, newName: newName, newMetadata: newMetadata, newConfiguration: newConfiguration?.objectValue)
        }
        return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
    }

    func deleteCollection(_ request: Request, name: String, tenant: String, database: String) async throws -> Response {
        try await store.run {
            try store.deleteCollection(named: name, tenant: tenant, database: database)
            return ChromaResponse.json(ClientDialect(request).isLegacy ? .null : [:])
        }
    }
}
