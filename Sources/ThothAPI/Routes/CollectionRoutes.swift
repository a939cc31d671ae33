import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/vectors/collections…`: the vector store for the console's Collections page — every
    /// collection with count, dimension, space and configuration; a page of records; the records
    /// nearest a text or a record; deletion.
    func addCollectionRoutes(to router: RouterGroup<BasicRequestContext>) {
        let browser = CollectionBrowser(store: services.store, backend: services.backend, knowledge: services.knowledge)
        let backend = services.backend.description
        router.get("/vectors/collections") { _, _ in
            JSONMessages.response(["backend": .string(backend), "collections": .array(try await browser.collections())])
        }
        router.get("/vectors/collections/:id/records") { request, context in
            let limit = try request.integer("limit", default: 20)
            let offset = try request.integer("offset", default: 0)
            guard (1...1000).contains(limit), offset >= 0 else {
                throw APIError(.badRequest, "limit must be in 1…1000 and offset not negative")
            }
            let records = try await browser.records(
                of: try context.parameters.require("id"), limit: limit, offset: offset)
            return JSONMessages.response(["records": .array(records)])
        }
        router.post("/vectors/collections/:id/query") { request, context in
            let body = try await JSONMessages.object(request)
            let hits = try await browser.nearest(
                in: try context.parameters.require("id"), text: body["query_text"]?.stringValue,
                recordID: body["record_id"]?.stringValue, k: try body.integer("n_results") ?? 10,
                where: try body.object("where"))
            return JSONMessages.response(["results": .array(hits)])
        }
        router.delete("/vectors/collections/:id") { _, context in
            let id = try context.parameters.require("id")
            try await browser.delete(id)
            return JSONMessages.response(["status": "success", "deleted": .string(id)])
        }
    }
}
