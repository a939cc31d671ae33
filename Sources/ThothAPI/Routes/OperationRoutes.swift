import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// Background operations with progress: started here, polled at `/operations/{id}/status`,
    /// pushed to `/ws/progress`.
    func addOperationRoutes(to router: RouterGroup<BasicRequestContext>) {
        let operations = services.operations
        let knowledge = services.knowledge
        router.post("/operations/stream/operation") { request, _ in
            let body = try await JSONMessages.object(request)
            let type = try body.requiredString("operation_type")
            let parameters = try body.object("parameters") ?? [:]
            let id: String
            switch type {
            case "rag_index":
                let force = parameters["force"] == .bool(true)
                id = try operations.start(id: body["operation_id"]?.stringValue, message: "Indexing the knowledge base")
                {
                    report in
                    try await knowledge.index(force: force) { step in
                        report(step.total == 0 ? 99 : 100 * step.done / step.total, "Indexed \(step.file)")
                    }.json
                }
            default:
                throw APIError(.badRequest, "Unknown operation_type '\(type)': use rag_index")
            }
            return JSONMessages.response([
                "operation_id": .string(id), "status": "started", "message": .string("Operation \(type) started"),
            ])
        }
        router.get("/operations/:id/status") { _, context in
            let id = try context.parameters.require("id")
            guard let status = operations.status(id) else { throw APIError(.notFound, "Operation \(id) not found") }
            return JSONMessages.response(status.json)
        }
    }
}
