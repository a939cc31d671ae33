import ArgumentParser
import Foundation
import JSON
import Thoth

/// A registry tool from the command line — through the running server when one answers (it owns
/// the index and the databases), else on the workspace directly.
enum ToolRunner {
    /// Runs the tool and prints its text (its JSON with `json`); a tool error is a failure.
    static func run(_ tool: String, _ arguments: JSONObject, json: Bool = false) async throws {
        let result: (isError: Bool, text: String, data: JSONValue)
        if await RunningServer.isRunning() {
            // Bypassing the agent gives the tool's data; otherwise its text.
            let reply = try await RunningServer.post(
                "tools/execute",
                body: ["tool_name": .string(tool), "parameters": .object(arguments), "bypass_agent": .bool(json)],
                subject: "thoth-cli", tokenMinutes: 5, timeout: 3600, acceptingErrors: true)
            let object = reply.objectValue ?? [:]
            result = (
                object["is_error"] == .bool(true),
                object["error"]?.stringValue ?? object["response"]?.stringValue ?? "",
                object["result"] ?? .null
            )
        } else {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let local = await services.tools.call(tool, arguments: arguments)
            result = (local.isError, local.text, local.data)
        }
        guard !result.isError else { throw ValidationError(result.text) }
        print(json ? JSONWriter.string(result.data) : result.text)
    }
}
