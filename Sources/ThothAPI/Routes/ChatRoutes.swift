import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// Chat sessions and their messages, in the original's shapes.
    func addChatRoutes(to router: RouterGroup<BasicRequestContext>) {
        let chats = services.chats
        router.post("/chat/sessions") { request, _ in
            let body = try await JSONMessages.object(request)
            let title = body["title"]?.stringValue ?? "New Chat"
            let session = try chats.createSession(title: title, metadata: try body.object("metadata") ?? [:])
            return JSONMessages.response(["status": "success", "session": session.json])
        }
        router.get("/chat/sessions") { request, _ in
            let sessions = try chats.sessions(
                activeOnly: request.flag("active_only", default: true), limit: try request.integer("limit", default: 50)
            )
            return JSONMessages.response([
                "sessions": .array(sessions.map(\.json)), "total_count": .int(Int64(sessions.count)),
            ])
        }
        router.get("/chat/sessions/:id") { _, context in
            let session = try Self.session(chats, try context.parameters.require("id"))
            return JSONMessages.response(["status": "success", "session": session.json])
        }
        router.put("/chat/sessions/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await JSONMessages.object(request)
            if let title = body["title"], title.stringValue == nil, !title.isNull {
                throw APIError(.badRequest, "Field 'title' must be a string")
            }
            guard
                let session = try chats.updateSession(
                    id, title: body["title"]?.stringValue, metadata: try body.object("metadata"))
            else { throw Self.sessionNotFound(id) }
            return JSONMessages.response([
                "status": "success", "message": "Session updated", "session": session.json,
            ])
        }
        router.delete("/chat/sessions/:id") { _, context in
            let id = try context.parameters.require("id")
            guard try chats.deleteSession(id) else { throw Self.sessionNotFound(id) }
            return JSONMessages.response(["status": "success", "message": .string("Session \(id) deleted")])
        }
        router.post("/chat/sessions/:id/archive") { _, context in
            let id = try context.parameters.require("id")
            guard try chats.archiveSession(id) else { throw Self.sessionNotFound(id) }
            return JSONMessages.response(["status": "success", "message": .string("Session \(id) archived")])
        }
        router.get("/chat/sessions/:id/messages") { request, context in
            let session = try Self.session(chats, try context.parameters.require("id"))
            let limit = try request.integer("limit", default: 100)
            let offset = try request.integer("offset", default: 0)
            guard limit >= 0, offset >= 0 else { throw APIError(.badRequest, "limit and offset must not be negative") }
            let (messages, total) = try chats.messages(sessionID: session.id, limit: limit, offset: offset)
            return JSONMessages.response([
                "messages": .array(messages.map(Self.messageJSON)), "session_info": session.json,
                "total_count": .int(Int64(total)), "has_more": .bool(offset + messages.count < total),
            ])
        }
        router.get("/chat/search") { request, _ in
            guard let query = request.query("query") else {
                throw APIError(.badRequest, "Query parameter 'query' is required")
            }
            let messages = try chats.search(
                query, sessionID: request.query("session_id"),
                limit: try request.integer("limit", default: 50))
            return JSONMessages.response([
                "messages": .array(
                    messages.map { message in
                        guard case .object(var object) = message.json else { return message.json }
                        object["relevance_score"] = 1.0
                        return .object(object)
                    }),
                "total_count": .int(Int64(messages.count)), "query": .string(query),
            ])
        }
    }

    /// `{id, role, content, timestamp, metadata}` as the messages route lists them.
    static func messageJSON(_ message: StoredChatMessage) -> JSONValue {
        [
            "id": .string(message.id), "role": .string(message.role), "content": .string(message.content),
            "timestamp": .string(ISOTime.string(message.timestamp)), "metadata": .object(message.metadata),
        ]
    }

    static func session(_ chats: ChatStore, _ id: String) throws -> ChatSession {
        guard let session = try chats.session(id) else { throw sessionNotFound(id) }
        return session
    }

    static func sessionNotFound(_ id: String) -> APIError {
        APIError(.notFound, "Chat session \(id) not found")
    }
}
