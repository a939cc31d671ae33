import Hummingbird
import VectorStore

extension ChromaAPI {
    /// `/api/v1`: the API of Python clients 0.4.x–0.5.15 (tenant and database as query
    /// parameters, defaulting to the defaults) and of the original Thoth's health check.
    func addV1Routes(to router: RouterGroup<BasicRequestContext>) {
        let v1 = router.group("api/v1")
        addSystemRoutes(to: v1)
        v1.get("tenants/:tenant") { _, context in
            let name = try parameter(context, "tenant")
            try await store.run { try store.requireTenant(name) }
            return ChromaResponse.json(["name": .string(name)])
        }
        v1.post("databases") { request, _ in try await createDatabase(request, tenant: tenant(request)) }
        v1.get("databases/:database") { request, context in
            try await getDatabase(try parameter(context, "database"), tenant: tenant(request))
        }
        v1.get("collections") { request, _ in
            try await listCollections(request, tenant: tenant(request), database: database(request))
        }
        v1.get("count_collections") { request, _ in
            try await countCollections(tenant: tenant(request), database: database(request))
        }
        v1.post("collections") { request, _ in
            try await createCollection(request, tenant: tenant(request), database: database(request))
        }
        v1.get("collections/:collection") { request, context in
            try await getCollection(
                request, name: try parameter(context, "collection"), tenant: tenant(request),
                database: database(request))
        }
        v1.put("collections/:collection") { request, context in
            try await modifyCollection(request, id: try parameter(context, "collection"))
        }
        v1.delete("collections/:collection") { request, context in
            try await deleteCollection(
                request, name: try parameter(context, "collection"), tenant: tenant(request),
                database: database(request))
        }
        addRecordRoutes(to: v1.group("collections/:collection"))
    }

    private func tenant(_ request: Request) -> String {
        request.uri.queryParameters.get("tenant") ?? VectorStore.defaultTenant
    }

    private func database(_ request: Request) -> String {
        request.uri.queryParameters.get("database") ?? VectorStore.defaultDatabase
    }
}
