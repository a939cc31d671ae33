import Hummingbird
import VectorStore

extension ChromaAPI {
    /// `/api/v2`: the API of Chroma 1.x (and, with legacy bodies, of 0.5.16–0.6.3 clients).
    func addV2Routes(to router: RouterGroup<BasicRequestContext>) {
        let v2 = router.group("api/v2")
        addSystemRoutes(to: v2)
        v2.get("auth/identity") { request, _ in identity(request) }

        v2.get("tenants/:tenant") { _, context in try await getTenant(try parameter(context, "tenant")) }
        v2.patch("tenants/:tenant") { request, context in
            let fields = try await fields(request)
            _ = try fields.requiredString("resource_name")
            let tenant = try parameter(context, "tenant")
            try await store.run { try store.requireTenant(tenant) }
            return ChromaResponse.json([:])
        }

        let databases = v2.group("tenants/:tenant/databases")
        databases.get { request, context in try await listDatabases(request, tenant: try parameter(context, "tenant")) }
        databases.post { request, context in try await createDatabase(request, tenant: try parameter(context, "tenant"))
        }
        databases.get(":database") { _, context in
            try await getDatabase(try parameter(context, "database"), tenant: try parameter(context, "tenant"))
        }
        databases.delete(":database") { _, context in
            try await deleteDatabase(try parameter(context, "database"), tenant: try parameter(context, "tenant"))
        }

        let scope = v2.group("tenants/:tenant/databases/:database")
        scope.get("collections") { request, context in
            try await listCollections(
                request, tenant: try parameter(context, "tenant"), database: try parameter(context, "database"))
        }
        scope.post("collections") { request, context in
            try await createCollection(
                request, tenant: try parameter(context, "tenant"), database: try parameter(context, "database"))
        }
        scope.get("collections_count") { _, context in
            try await countCollections(
                tenant: try parameter(context, "tenant"), database: try parameter(context, "database"))
        }
        scope.get("collections/by-id/:id") { request, context in
            try await getCollection(request, id: try parameter(context, "id"))
        }
        scope.get("collections/:collection") { request, context in
            try await getCollection(
                request, name: try parameter(context, "collection"), tenant: try parameter(context, "tenant"),
                database: try parameter(context, "database"))
        }
        scope.put("collections/:collection") { request, context in
            try await modifyCollection(request, id: try parameter(context, "collection"))
        }
        scope.delete("collections/:collection") { request, context in
            try await deleteCollection(
                request, name: try parameter(context, "collection"), tenant: try parameter(context, "tenant"),
                database: try parameter(context, "database"))
        }
        let records = scope.group("collections/:collection")
        addRecordRoutes(to: records)
        addSearchRoute(to: records)
    }

    /// The routes anyone may call, as Chroma's auth ignores them: heartbeat (at the prefix
    /// itself too) and version, the same on v1 and v2.
    func addOpenRoutes(to group: RouterGroup<BasicRequestContext>, version: String) {
        group.get { _, _ in heartbeat() }
        group.get("heartbeat") { _, _ in heartbeat() }
        group.get("version") { _, _ in ChromaResponse.json(.string(version)) }
    }

    /// Pre-flight checks, reset and tenant creation: the same on v1 and v2.
    func addSystemRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("pre-flight-checks") { request, _ in preFlightChecks(legacy: ClientDialect(request).isLegacy) }
        group.post("reset") { _, _ in try await reset() }
        group.post("tenants") { request, _ in try await createTenant(request) }
    }

    /// Record routes, shared by v2 (under tenant/database) and v1 (under `/api/v1/collections`).
    func addRecordRoutes(to records: RouterGroup<BasicRequestContext>) {
        records.post("add") { request, context in
            try await write(request, id: try parameter(context, "collection"), .add)
        }
        records.post("upsert") { request, context in
            try await write(request, id: try parameter(context, "collection"), .upsert)
        }
        records.post("update") { request, context in
            try await write(request, id: try parameter(context, "collection"), .update)
        }
        records.post("delete") { request, context in
            try await deleteRecords(request, id: try parameter(context, "collection"))
        }
        records.post("get") { request, context in
            try await getRecords(request, id: try parameter(context, "collection"))
        }
        records.post("query") { request, context in
            try await queryRecords(request, id: try parameter(context, "collection"))
        }
        records.get("count") { _, context in try await countRecords(id: try parameter(context, "collection")) }
        records.get("indexing_status") { _, context in
            try await indexingStatus(id: try parameter(context, "collection"))
        }
        records.post("fork") { request, context in
            let (id, newName) = (
                try parameter(context, "collection"), try await fields(request).requiredString("new_name")
            )
            let fork = try await store.run { try store.forkCollection(id: id, newName: newName) }
            return ChromaResponse.json(CollectionJSON.encode(fork, ClientDialect(request)))
        }
        records.get("fork_count") { _, context in
            let id = try parameter(context, "collection")
            return ChromaResponse.json(["count": .int(Int64(try await store.run { try store.forkCount(id: id) }))])
        }
    }
}
