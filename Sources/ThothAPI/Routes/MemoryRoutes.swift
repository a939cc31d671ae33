import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/memory`: what the agent remembers — listed (or recalled by `?query=`), added, changed
    /// and forgotten — for `user` (default `default`).
    func addMemoryRoutes(to router: RouterGroup<BasicRequestContext>) {
        let memory = services.memory
        router.get("/memory") { request, _ in
            let limit = Int(min(1000, max(1, Int64(request.query("limit") ?? "") ?? 100)))
            let found = try await memory.memories(
                user: request.query("user") ?? "default", query: request.query("query"), limit: limit)
            return JSONMessages.response(["memories": .array(found.map(\.json)), "count": .int(Int64(found.count))])
        }
        router.post("/memory") { request, _ in
            let body = try await JSONMessages.object(request)
            let kept = try await memory.remember(
                try body.requiredString("text"), user: body["user"]?.stringValue ?? "default",
                kind: body["kind"]?.stringValue ?? "told")
            return JSONMessages.response(["status": "success", "memory": kept.json])
        }
        router.put("/memory/:id") { request, context in
            let body = try await JSONMessages.object(request)
            let changed = try await memory.update(
                try context.parameters.require("id"), text: try body.requiredString("text"))
            return JSONMessages.response(["status": "success", "memory": changed.json])
        }
        router.delete("/memory/:id") { _, context in
            try await memory.forget(try context.parameters.require("id"))
            return JSONMessages.response(["status": "success", "message": "Forgotten"])
        }
    }
}
