import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/agent/status` and `/agent/tools`, which the health check and the plugin read.
    func addAgentRoutes(to router: Router<BasicRequestContext>) {
        router.get("/agent/status") { _, _ in
            let model = services.assistant.chatModel
            return JSONMessages.response([
                "status": "running", "agent_initialized": true, "tools_count": 0,
                "llm": .string(model?.model ?? "offline"),
                "message": .string(
                    model == nil
                        ? "Research assistant ready, offline: answers are quoted from the knowledge base"
                        : "Research assistant ready"),
            ])
        }
        router.get("/agent/tools") { _, _ in
            JSONMessages.response(["tools": [], "count": 0])
        }
    }
}
