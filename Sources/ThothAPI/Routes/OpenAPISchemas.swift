import JSON

/// JSON Schemas of the API's request bodies and answers, for `/openapi.json`: what clients may
/// send and what they get back (schemathesis checks the live server against them).
enum OpenAPISchemas {
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let number: JSONValue = ["type": "number"]
    static let anyObject: JSONValue = ["type": "object"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]

    static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        [
            "type": "object", "properties": .object(JSONObject(properties)),
            "required": .array(required.map { .string($0) }),
        ]
    }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    /// Every error: `{"status": "error", "message": …, "detail": …}`.
    static let error = object(
        [("status", ["const": "error"]), ("message", string), ("detail", string)], required: ["status", "message"])

    static let success = object([("status", string), ("message", string)], required: ["status"])
    static let memory = object(
        [
            ("id", string), ("user", string), ("text", string), ("kind", string), ("created_at", string),
            ("updated_at", string), ("score", ["type": "number"]),
        ], required: ["id", "user", "text", "kind"])
    static let memoryReply = object([("status", string), ("memory", memory)], required: ["status", "memory"])

    static let session = object(
        [
            ("id", string), ("title", string), ("created_at", string), ("updated_at", string),
            ("is_active", boolean), ("metadata", anyObject), ("message_count", integer),
            ("last_message_preview", nullableString),
        ], required: ["id", "title", "created_at", "updated_at", "is_active", "metadata", "message_count"])

    static let sessionReply = object([("status", string), ("session", session)], required: ["status", "session"])

    static let passage = object([("source", string), ("text", string), ("score", number)])

    static let chatRequest = object(
        [
            ("message", ["type": "string", "minLength": 1]), ("conversation_id", string),
            ("id", ["type": ["string", "integer"]]),
            ("timestamp", ["type": ["string", "integer", "number"]]),
        ], required: ["message"])

    static let chatReply = object(
        [
            ("response", string), ("tool_calls", array(anyObject)), ("session_id", string), ("model", string),
            ("sources", ["type": "array"]),
        ], required: ["response", "tool_calls", "session_id", "model"])

    static let command = object(
        [
            ("command", ["type": "string", "enum": ["rag"]]),
            ("args", array(["type": "string", "enum": ["index", "search", "ask", "stats"]])),
            ("kwargs", object([("query", string), ("question", string), ("k", integer), ("force", boolean)])),
            ("streaming", boolean),
        ], required: ["command"])

    static let pluginSettings = anyObject

    /// Routes whose 400 answer is their own result shape (a failed tool is a result), not an error.
    static let failuresAnsweredAsResults: Set = ["post /tools/execute"]

    /// Query parameters of GET routes, by method and path.
    static let queryParameters: [String: [(name: String, schema: JSONValue, required: Bool)]] = [
        "get /chat/sessions": [("active_only", boolean, false), ("limit", integer, false)],
        "get /chat/sessions/{id}/messages": [("limit", integer, false), ("offset", integer, false)],
        "get /download-pdf": [("url", ["type": "string", "minLength": 1], true)],
        "get /view-markdown": [("path", ["type": "string", "minLength": 1], true)],
        "get /citations/graph": [("note", string, false)],
        "get /chat/search": [
            ("query", ["type": "string", "minLength": 1], true), ("session_id", string, false),
            ("limit", integer, false),
        ],
        "get /library/pdf": [("path", ["type": "string", "minLength": 1], true)],
        "get /vectors/collections/{id}/records": [
            ("limit", ["type": "integer", "minimum": 1, "maximum": 1000], false),
            ("offset", ["type": "integer", "minimum": 0], false),
        ],
    ]

    /// `(request body, 200 answer)` of each documented route, by method and path.
    static let schemas: [String: (request: JSONValue?, response: JSONValue)] = [
        "get /health": (
            nil,
            object(
                [("status", string), ("healthy", boolean), ("services", anyObject)],
                required: ["status", "healthy", "services"])
        ),
        "get /metrics": (nil, string),
        "get /openapi.json": (
            nil, object([("openapi", string), ("paths", anyObject)], required: ["openapi", "paths"])
        ),
        "post /chat/sessions": (object([("title", string), ("metadata", anyObject)]), sessionReply),
        "get /chat/sessions": (
            nil,
            object([("sessions", array(session)), ("total_count", integer)], required: ["sessions", "total_count"])
        ),
        "get /chat/sessions/{id}": (nil, sessionReply),
        "put /chat/sessions/{id}": (object([("title", string), ("metadata", anyObject)]), sessionReply),
        "delete /chat/sessions/{id}": (nil, success),
        "post /chat/sessions/{id}/archive": (nil, success),
        "get /chat/sessions/{id}/messages": (
            nil,
            object(
                [
                    ("messages", array(anyObject)), ("session_info", session), ("total_count", integer),
                    ("has_more", boolean),
                ], required: ["messages", "total_count", "has_more"])
        ),
        "get /chat/search": (
            nil,
            object(
                [("messages", array(anyObject)), ("total_count", integer), ("query", string)],
                required: ["messages", "total_count"])
        ),
        "post /research/chat": (chatRequest, chatReply),
        "post /research/query": (
            object(
                [
                    ("query", ["type": "string", "minLength": 1]),
                    ("max_results", ["type": "integer", "minimum": 1, "maximum": 100]),
                ], required: ["query"]),
            object(
                [
                    ("results", array(passage)), ("summary", string), ("sources_used", array(string)),
                    ("query", string), ("model", string),
                ], required: ["results", "summary", "query", "model"])
        ),
        "post /tools/execute/command": (
            command, object([("result", ["type": ["object", "array", "string", "null"]])])
        ),
        "post /execute/command": (command, object([("result", ["type": ["object", "array", "string", "null"]])])),
        "get /agent/status": (
            nil,
            object(
                [("status", string), ("tools_count", integer), ("llm", string), ("mode", string)],
                required: ["status", "tools_count"])
        ),
        "get /agent/tools": (
            nil,
            object(
                [
                    (
                        "tools",
                        array(
                            object(
                                [("name", string), ("description", string), ("input_schema", anyObject)],
                                required: ["name"]))
                    ), ("count", integer),
                ], required: ["tools", "count"])
        ),
        "post /tools/execute": (
            object(
                [("tool_name", string), ("parameters", anyObject), ("bypass_agent", boolean)], required: ["tool_name"]),
            object([("tool", string), ("is_error", boolean)], required: ["tool", "is_error"])
        ),
        "get /agent/config": (
            nil,
            object(
                [("directories", anyObject), ("api_server", anyObject), ("rag", anyObject)],
                required: ["directories", "api_server", "rag"])
        ),
        "post /agent/config": (
            object([("api_keys", anyObject), ("directories", anyObject), ("settings", anyObject)]),
            object([("status", string), ("updated_keys", array(string))], required: ["status", "updated_keys"])
        ),
        "post /agent/sync-settings": (
            pluginSettings,
            object([("status", string), ("updated_keys", array(string))], required: ["status", "updated_keys"])
        ),
        "post /agent/restart": (
            object([("update_config", boolean), ("new_config", pluginSettings)]),
            object([("status", string), ("llm", string)], required: ["status", "llm"])
        ),
        "get /config/export": (
            nil,
            object(
                [("status", string), ("config", anyObject), ("config_version", string)], required: ["status", "config"])
        ),
        "post /config/import": (
            pluginSettings,
            object(
                [("status", string), ("synced_environment_vars", array(string)), ("warnings", array(string))],
                required: ["status"])
        ),
        "post /config/validate": (
            pluginSettings,
            object(
                [("status", string), ("is_valid", boolean), ("errors", array(string)), ("warnings", array(string))],
                required: ["status", "is_valid", "errors", "warnings"])
        ),
        "get /config/schema": (
            nil, object([("version", string), ("settings", array(anyObject))], required: ["version", "settings"])
        ),
        "get /config/defaults": (nil, anyObject),
        "post /operations/stream/operation": (
            object(
                [
                    (
                        "operation_type",
                        ["type": "string", "enum": ["rag_index", "pdf_process", "batch_process", "discovery_run"]]
                    ),
                    ("operation_id", string),
                    ("parameters", anyObject),
                ], required: ["operation_type"]),
            object(
                [("operation_id", string), ("status", string), ("message", string)],
                required: ["operation_id", "status"])
        ),
        "post /operations/batch/process": (
            object(
                [
                    ("items", array(object([("path", string)], required: ["path"]))),
                    ("operation_type", ["type": "string", "enum": ["pdf"]]), ("batch_size", integer),
                ], required: ["items"]),
            object(
                [("operation_id", string), ("status", string), ("message", string), ("batch_size", integer)],
                required: ["operation_id", "status"])
        ),
        "get /operations/{id}/status": (
            nil, object([("operation_id", string), ("status", string)], required: ["status"])
        ),
        "get /download-pdf": (
            nil,
            object(
                [
                    ("status", string), ("message", string), ("file_path", string), ("metadata", anyObject),
                    ("base_url", string),
                ], required: ["status", "file_path"])
        ),
        "get /view-markdown": (
            nil,
            object(
                [("status", string), ("content", string), ("path", string), ("size", integer)],
                required: ["status", "content", "path"])
        ),
        "post /citations/extract": (
            object([("text", string)], required: ["text"]),
            object([("count", integer), ("references", array(anyObject))], required: ["count", "references"])
        ),
        "get /citations/graph": (nil, anyObject),
        "post /citations/export": (
            object(
                [
                    ("format", ["type": "string", "enum": ["bibtex", "ris", "endnote", "json", "csv"]]),
                    ("search_query", string), ("max_results", ["type": "integer", "minimum": 1, "maximum": 10_000]),
                ]),
            object(
                [("format", string), ("count", integer), ("content", string)], required: ["format", "count", "content"])
        ),
        "get /memory": (
            nil, object([("memories", array(memory)), ("count", integer)], required: ["memories", "count"])
        ),
        "post /memory": (
            object([("text", string), ("user", string), ("kind", string)], required: ["text"]), memoryReply
        ),
        "put /memory/{id}": (object([("text", string)], required: ["text"]), memoryReply),
        "delete /memory/{id}": (nil, success),
        "get /operations": (nil, object([("operations", array(anyObject))], required: ["operations"])),
        "post /library/files": (
            object(
                [("filename", ["type": "string", "minLength": 1]), ("content_base64", string)],
                required: ["filename", "content_base64"]),
            object(
                [("operation_id", string), ("path", string), ("kind", ["type": "string", "enum": ["note", "pdf"]])],
                required: ["operation_id", "path", "kind"])
        ),
        "get /vectors/collections": (
            nil,
            object(
                [
                    ("backend", string),
                    (
                        "collections",
                        array(
                            object(
                                [
                                    ("id", string), ("name", string), ("count", integer),
                                    ("dimension", ["type": ["integer", "null"]]), ("space", string),
                                ], required: ["id", "name", "count", "space"])
                        )
                    ),
                ], required: ["backend", "collections"])
        ),
        "get /vectors/collections/{id}/records": (
            nil, object([("records", array(object([("id", string)], required: ["id"])))], required: ["records"])
        ),
        "post /vectors/collections/{id}/query": (
            object([
                ("query_text", string), ("record_id", string),
                ("n_results", ["type": "integer", "minimum": 1, "maximum": 1000]), ("where", anyObject),
            ]),
            object(
                [("results", array(object([("id", string), ("distance", number)], required: ["id", "distance"])))],
                required: ["results"])
        ),
        "delete /vectors/collections/{id}": (nil, success),
        "post /citations/format": (
            object([
                ("articles", ["type": "array", "items": ["anyOf": [string, anyObject]]]), ("style", string),
                ("search_query", string), ("max_results", ["type": "integer", "minimum": 1, "maximum": 10_000]),
                ("output", ["type": "string", "enum": ["text", "markdown"]]),
            ]),
            object(
                [
                    ("style", string), ("output", string), ("count", integer),
                    ("entries", ["type": "array", "items": string]),
                ], required: ["style", "output", "count", "entries"])
        ),
    ]
}
