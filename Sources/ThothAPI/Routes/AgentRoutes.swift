import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/agent/*`: the assistant's status and tools, its configuration (read redacted, changed
    /// at run time), the plugin's settings sync, and a restart of the assistant.
    func addAgentRoutes(to router: RouterGroup<BasicRequestContext>) {
        let services = services
        router.get("/agent/status") { _, _ in
            let model = services.assistant.chatModel
            let count = services.tools.tools.count
            return JSONMessages.response([
                "status": "running", "agent_initialized": true, "tools_count": .int(Int64(count)),
                "llm": .string(model?.model ?? "offline"), "mode": .string(model == nil ? "retrieval_only" : "agent"),
                "max_tool_calls": .int(Int64(services.agent.maxToolCalls)),
                "message": .string(
                    model == nil
                        ? "No language model configured: chat answers are quoted from the knowledge base; the "
                            + "\(count) tools run through MCP and /tools/execute"
                        : "Research agent ready with \(count) tools"),
            ])
        }
        router.get("/agent/tools") { _, _ in
            JSONMessages.response([
                "tools": .array(
                    services.tools.tools.map {
                        [
                            "name": .string($0.name), "description": .string($0.description),
                            "input_schema": $0.inputSchema,
                        ]
                    }),
                "count": .int(Int64(services.tools.tools.count)),
            ])
        }
        router.post("/tools/execute") { request, _ in
            let body = try await JSONMessages.object(request)
            let name = try body.requiredString("tool_name")
            let parameters = try body.object("parameters") ?? [:]
            guard services.tools.tool(named: name) != nil else { throw APIError(.notFound, "Unknown tool '\(name)'") }
            let result = await services.tools.call(name, arguments: parameters)
            let bypassed = body["bypass_agent"] == .bool(true)
            var reply: JSONObject = [
                "tool": .string(name), "parameters": .object(parameters), "is_error": .bool(result.isError),
                "bypassed_agent": .bool(bypassed),
            ]
            if result.isError { reply["error"] = .string(result.text) }
            if bypassed {
                reply["result"] = result.data.isNull ? .string(result.text) : result.data
            } else {
                reply["response"] = .string(result.text)
                reply["tool_calls"] = [["tool": .string(name), "args": .object(parameters)]]
            }
            return JSONMessages.response(.object(reply), status: result.isError ? .badRequest : .ok)
        }
        router.get("/agent/config") { _, _ in
            JSONMessages.response(Self.redactedConfiguration(services))
        }
        router.post("/agent/config") { request, _ in
            let changes = try Self.configChanges(try await JSONMessages.object(request))
            try services.applySettings(changes)
            return JSONMessages.response([
                "status": "success", "message": .string("Updated \(changes.count) setting(s)"),
                "updated_keys": .array(changes.keys.sorted().map { .string($0) }),
                "note": "API keys and the chat model apply now; directories and other settings after a restart",
            ])
        }
        router.post("/agent/sync-settings") { request, _ in
            let body = try await JSONMessages.object(request)
            let (changes, _) = try Self.pluginChanges(body)
            try services.applySettings(changes)
            return JSONMessages.response([
                "status": "success", "message": "Settings synchronised",
                "updated_keys": .array(changes.keys.sorted().map { .string($0) }),
                "synced_settings_count": .int(Int64(changes.count)),
            ])
        }
        router.post("/agent/restart") { request, _ in
            let body = try await JSONMessages.object(request)
            var updated: [String] = []
            if body["update_config"] == .bool(true), let newConfig = try body.object("new_config") {
                let (changes, _) = try Self.pluginChanges(newConfig)
                try services.applySettings(changes)
                updated = changes.keys.sorted()
            }
            services.reloadChatModel()
            return JSONMessages.response([
                "status": "success",
                "message":
                    "Research assistant re-initialised; settings marked 'after restart' apply when the process restarts",
                "updated_keys": .array(updated.map { .string($0) }),
                "llm": .string(services.assistant.chatModel?.model ?? "offline"),
            ])
        }
    }

    /// The environment changes an `/agent/config` body asks for (`api_keys`, `directories`,
    /// `settings` by environment name), each looked up in the settings table and checked there.
    /// Anything unknown, unsettable or invalid refuses the whole request: nothing is written.
    static func configChanges(_ body: JSONObject) throws -> [String: String] {
        var changes: [String: String] = [:]
        var problems: [String] = []
        let sections: [(String, (String) -> [String])] = [
            ("api_keys", { ["API_\($0)_KEY", "API_\($0)_API_KEY", "\($0)Key"] }),
            ("directories", { ["THOTH_\($0)_DIR", "\($0)Directory"] }),
            ("settings", { [$0] }),
        ]
        for (section, candidates) in sections {
            for (key, value) in try body.object(section) ?? [:] {
                guard let setting = candidates(key).lazy.compactMap(PluginSetting.named).first else {
                    problems.append("\(section).\(key) is not a known setting")
                    continue
                }
                guard setting.settableOverHTTP else {
                    problems.append(
                        "\(section).\(key) cannot be changed over HTTP; set \(setting.environment) where the server starts"
                    )
                    continue
                }
                if let problem = setting.problem(with: value) {
                    problems.append(problem)
                } else if let text = PluginSettings.settingText(value) {
                    changes[setting.environment] = text
                }
            }
        }
        guard problems.isEmpty else {
            throw APIError(.badRequest, "Nothing was changed: " + problems.joined(separator: "; "))
        }
        return changes
    }

    static func redactedConfiguration(_ services: ThothServices) -> JSONValue {
        let configuration = services.configuration
        let environment = services.currentEnvironment
        func has(_ names: String...) -> JSONValue { .bool(names.contains { !(environment[$0] ?? "").isEmpty }) }
        let model = services.assistant.chatModel
        return [
            "directories": .object(JSONObject(configuration.workspace.folders.map { ($0.name, .string($0.path)) })),
            "api_server": [
                "host": .string(configuration.apiHost), "port": .int(Int64(configuration.apiPort)),
                "mcp_port": .int(Int64(configuration.mcpPort)), "chroma_port": .int(Int64(configuration.chromaPort)),
            ],
            "llm_models": [
                "model": model.map { .string($0.model) } ?? .null,
                "endpoint": model.map { .string($0.endpoint) } ?? .null,
                "offline": .bool(model == nil),
                "roles": .object(
                    JSONObject(services.models.report.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ],
            "rag": [
                "collection": .string(configuration.ragCollection),
                "embedding_model": .string(configuration.embeddingModel),
                "chunk_size": .int(Int64(configuration.ragChunkSize)),
                "chunk_overlap": .int(Int64(configuration.ragChunkOverlap)),
                "vector_backend": .string(services.backend.description),
            ],
            "discovery": [
                "enabled": .bool(configuration.discoveryEnabled),
                "auto_start_scheduler": .bool(services.discoveryScheduler.status["status"] == "running"),
                "sources": .array(services.discovery.sources.names().map { .string($0) }),
            ],
            "has_api_keys": [
                "mistral": has("API_MISTRAL_KEY"), "openrouter": has("API_OPENROUTER_KEY"),
                "openai": has("API_OPENAI_KEY", "OPENAI_API_KEY"), "opencitations": has("API_OPENCITATIONS_KEY"),
                "semanticscholar": has("API_SEMANTICSCHOLAR_API_KEY"), "web_search": has("API_WEB_SEARCH_KEY"),
            ],
        ]
    }

    /// The environment changes a plugin settings dictionary asks for, checked against the
    /// settings table; unknown keys and redacted secrets are skipped with a warning.
    static func pluginChanges(_ settings: JSONObject) throws -> (changes: [String: String], warnings: [String]) {
        let (changes, errors, warnings) = PluginSettings.check(settings)
        guard errors.isEmpty else {
            throw APIError(.badRequest, "Invalid settings: " + errors.joined(separator: "; "))
        }
        return (changes, warnings)
    }
}
