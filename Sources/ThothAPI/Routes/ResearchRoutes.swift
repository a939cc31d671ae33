import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/research/chat` (the plugin's chat) and `/research/query` (a search plus a summary).
    func addResearchRoutes(to router: RouterGroup<BasicRequestContext>) {
        let assistant = services.assistant
        let agent = services.agent
        router.post("/research/chat") { request, _ in
            let body = try await JSONMessages.object(request)
            let message = try body.requiredString("message")
            // The session is the conversation id, or one per plugin conversation start; the
            // messages and the session share that id (the original stored them apart).
            let sessionID =
                body["conversation_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                ?? body["timestamp"].map { "obsidian-\(Self.scalarText($0))" }
                ?? UUID().uuidString.lowercased()
            let reply = try await agent.chat(message, sessionID: sessionID)
            return JSONMessages.response(Self.chatReply(reply, sessionID: sessionID, id: body["id"]))
        }
        router.post("/research/query") { request, _ in
            let body = try await JSONMessages.object(request)
            let query = try body.requiredString("query")
            let maxResults = try body.integer("max_results") ?? 10
            guard maxResults > 0 else { throw APIError(.badRequest, "max_results must be at least 1") }
            let answer = try await assistant.ask(query, k: maxResults)
            var sources: [String] = []
            for passage in answer.passages where !sources.contains(passage.source) { sources.append(passage.source) }
            return JSONMessages.response([
                "results": .array(answer.passages.map(\.json)), "summary": .string(answer.text),
                "sources_used": .array(sources.map { .string($0) }), "query": .string(query),
                "model": .string(answer.model),
            ])
        }
    }

    /// The reply of `/research/chat` and `/ws/chat`: `{response, tool_calls, session_id, id?}`.
    static func chatReply(_ agentReply: ResearchAgent.Reply, sessionID: String, id: JSONValue?) -> JSONValue {
        let answer = agentReply.answer
        var reply: JSONObject = [
            "response": .string(answer.text), "tool_calls": .array(agentReply.toolCalls.map(\.json)),
            "session_id": .string(sessionID),
            "model": .string(answer.model), "sources": answer.sourcesJSON,
        ]
        if !answer.notes.isEmpty { reply["notes"] = .array(answer.notes.map { .string($0) }) }
        if let id, !id.isNull { reply["id"] = id }
        return .object(reply)
    }

    /// A JSON scalar as text (`1700000000`, `"abc"`); other values as their JSON.
    static func scalarText(_ value: JSONValue) -> String {
        PluginSettings.settingText(value) ?? JSONWriter.string(value)
    }
}
