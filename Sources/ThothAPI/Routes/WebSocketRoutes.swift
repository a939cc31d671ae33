import Foundation
import Hummingbird
import HummingbirdWebSocket
import JSON
import Thoth

extension ThothAPI {
    /// The WebSockets: `/ws/chat` (the plugin's chat, replies matched by `id`), `/ws/status`
    /// (one `{"status":"running"}`) and `/ws/progress` (every operation's progress).
    public func webSocketRouter() throws -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        // WebSockets are not bound by CORS: without the origin check any page could open one.
        try Self.addGuards(to: router, services.configuration, listener: listeners.api)
        let agent = services.agent
        router.ws("/ws/chat") { inbound, outbound, _ in
            // Messages without a session id share one conversation per connection.
            let connectionSession = "ws-" + UUID().uuidString.lowercased()
            for try await message in inbound.messages(maxSize: JSONMessages.maxBodyBytes) {
                guard case .text(let text) = message else { continue }
                let reply = await Self.webSocketChat(text, agent: agent, defaultSession: connectionSession) { event in
                    try? await outbound.write(.text(JSONWriter.string(event)))
                }
                try await outbound.write(.text(JSONWriter.string(reply)))
            }
        }
        router.ws("/ws/status") { inbound, outbound, _ in
            try await outbound.write(.text(#"{"status":"running"}"#))
            for try await _ in inbound {}
        }
        let progress = services.operations.progress
        router.ws("/ws/progress") { inbound, outbound, _ in
            let events = progress.subscribe()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events { try await outbound.write(.text(JSONWriter.string(event))) }
                }
                group.addTask { for try await _ in inbound {} }
                // Whichever ends first (the client leaves) ends the other.
                try await group.next()
                group.cancelAll()
            }
        }
        return router
    }

    /// One `/ws/chat` exchange: `{message, session_id?, id?, stream?}` → `{type: "tool_call", tool,
    /// args, id?}` for each tool the agent runs, with `stream: true` `{type: "delta", text, id?}`
    /// for each piece of the model's text as it is written, then `{response, tool_calls, type:
    /// "response", session_id, id?}` (the whole answer) or `{error, type: "error", id?}`.
    static func webSocketChat(
        _ text: String, agent: ResearchAgent, defaultSession: String,
        progress: @escaping @Sendable (JSONValue) async -> Void
    ) async -> JSONValue {
        var id: JSONValue?
        do {
            guard case .object(let body) = try JSONReader.parse(text) else {
                throw APIError(.badRequest, "Send a JSON object: {\"message\": …}")
            }
            id = body["id"]
            let message = try body.requiredString("message")
            let session = body["session_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? defaultSession
            let requestID = id
            let event: @Sendable (JSONObject) -> JSONValue = { fields in
                var event = fields
                if let requestID, !requestID.isNull { event["id"] = requestID }
                return .object(event)
            }
            var onText: (@Sendable (String) async -> Void)?
            if body["stream"] == .bool(true) {
                onText = { text in await progress(event(["type": "delta", "text": .string(text)])) }
            }
            let agentReply = try await agent.chat(
                message, sessionID: session,
                onToolCall: { call in
                    guard case .object(var fields) = call.json else { return }
                    fields["type"] = "tool_call"
                    await progress(event(fields))
                }, onText: onText)
            guard case .object(var reply) = chatReply(agentReply, sessionID: session, id: id) else { return .null }
            reply["type"] = "response"
            return .object(reply)
        } catch {
            var reply: JSONObject = [
                "error": .string(APIErrorMiddleware<BasicRequestContext>.describe(error).1), "type": "error",
            ]
            if let id, !id.isNull { reply["id"] = id }
            return .object(reply)
        }
    }
}
