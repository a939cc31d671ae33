import JSON
import LLM
import VectorStore

/// Every tool Thoth offers, in one list: MCP lists and calls these, the agent offers them to the
/// model, `/tools/execute` and `/agent/tools` expose them. A call never throws: failures come
/// back as `isError` results that say what went wrong.
public struct ToolRegistry: Sendable {
    public let tools: [Tool]

    public init(tools: [Tool]) { self.tools = tools }

    public func tool(named name: String) -> Tool? { tools.first { $0.name == name } }

    /// The tools as the chat model is offered them.
    public var specs: [ToolSpec] {
        tools.map { ToolSpec(name: $0.name, description: $0.description, parameters: $0.inputSchema) }
    }

    public func call(_ name: String, arguments: JSONObject) async -> ToolResult {
        guard let tool = tool(named: name) else {
            return ToolResult(
                tool: name, isError: true, text: "Unknown tool '\(name)'; call tools/list for the available tools",
                data: .null)
        }
        do {
            let output = try await tool.handler(try ToolArguments(arguments, parameters: tool.parameters))
            return ToolResult(tool: name, isError: false, text: output.text, data: output.data)
        } catch let error as ToolError {
            return failure(name, error.message)
        } catch let error as ThothError {
            return failure(name, error.message)
        } catch let error as VectorStoreError {
            return failure(name, "\(error)")
        } catch {
            return failure(name, "\(name) failed: \(error)")
        }
    }

    private func failure(_ name: String, _ message: String) -> ToolResult {
        ToolResult(tool: name, isError: true, text: message, data: .null)
    }
}
