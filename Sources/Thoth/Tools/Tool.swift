import JSON

/// One tool, defined once and served alike by MCP, the research agent and `/tools/execute`:
/// its name, what it does, a JSON Schema of its arguments, and the code that runs it.
public struct Tool: Sendable {
    public let name: String
    public let description: String
    /// A JSON Schema object (`{"type": "object", "properties": …, "required": […]}`).
    public let inputSchema: JSONValue
    let parameters: [ToolParameter]
    let handler: @Sendable (ToolArguments) async throws -> ToolOutput

    public init(
        name: String, description: String, parameters: [ToolParameter],
        handler: @escaping @Sendable (ToolArguments) async throws -> ToolOutput
    ) {
        self.name = name
        self.description = description
        self.inputSchema = ToolParameter.schema(parameters)
        self.parameters = parameters
        self.handler = handler
    }
}

/// What a tool returns: text for people and models, and the same content as JSON.
public struct ToolOutput: Sendable {
    public let text: String
    public let data: JSONValue

    public init(text: String, data: JSONValue) {
        self.text = text
        self.data = data
    }

    /// JSON data shown as its own text.
    public init(_ data: JSONValue) {
        self.init(text: JSONWriter.string(data), data: data)
    }
}

/// The outcome of a call: `isError` results say what went wrong, as MCP expects.
public struct ToolResult: Sendable {
    public let tool: String
    public let isError: Bool
    public let text: String
    public let data: JSONValue

    public var json: JSONValue {
        ["tool": .string(tool), "is_error": .bool(isError), "text": .string(text), "data": data]
    }
}

/// A tool failure caused by the caller (bad arguments, unknown article), reported as `isError`.
public struct ToolError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
