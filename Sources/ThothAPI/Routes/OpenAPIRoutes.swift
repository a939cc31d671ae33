import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// The routes this API serves, for `GET /openapi.json`. The integration tests call every
    /// one of them, so the document cannot drift from the router.
    static let documentedRoutes: [(method: String, path: String, summary: String)] = [
        ("get", "/health", "Health of every service"),
        ("get", "/metrics", "Prometheus metrics"),
        ("get", "/openapi.json", "This document"),
        ("post", "/chat/sessions", "Create a chat session"),
        ("get", "/chat/sessions", "List chat sessions"),
        ("get", "/chat/sessions/{id}", "Get a chat session"),
        ("put", "/chat/sessions/{id}", "Update a chat session's title or metadata"),
        ("delete", "/chat/sessions/{id}", "Delete a chat session and its messages"),
        ("post", "/chat/sessions/{id}/archive", "Archive a chat session"),
        ("get", "/chat/sessions/{id}/messages", "Messages of a chat session"),
        ("get", "/chat/search", "Search chat messages"),
        ("post", "/research/chat", "Chat with the research assistant"),
        ("post", "/research/query", "Search the knowledge base and summarise"),
        (
            "post", "/tools/execute/command",
            "Run a command (rag index|search|ask|stats, notes reprocess-note|regenerate-all-notes)"
        ),
        ("post", "/execute/command", "Run a command (the plugin's path)"),
        ("get", "/agent/status", "Research assistant status"),
        ("get", "/agent/tools", "Tools the assistant can call"),
        ("post", "/tools/execute", "Run one tool"),
        ("get", "/agent/config", "The configuration, keys redacted"),
        ("post", "/agent/config", "Change API keys, directories or settings"),
        ("post", "/agent/sync-settings", "Apply the plugin's settings"),
        ("post", "/agent/restart", "Re-initialise the research assistant"),
        ("get", "/config/export", "Settings in the plugin's format"),
        ("post", "/config/import", "Validate and apply settings in the plugin's format"),
        ("post", "/config/validate", "Validate settings (or the current ones)"),
        ("get", "/config/schema", "What each setting is"),
        ("get", "/config/defaults", "Default values"),
        (
            "post", "/operations/stream/operation",
            "Start a background operation (rag_index, pdf_process, batch_process)"
        ),
        ("post", "/operations/batch/process", "Process a list of PDFs in the background"),
        ("get", "/operations/{id}/status", "Status of a background operation"),
        ("get", "/download-pdf", "Download a PDF from a URL into the PDF folder"),
        ("get", "/view-markdown", "A note or full text, relative to the notes folder"),
        ("post", "/citations/extract", "A reference list (or a paper's text) read into fields"),
        ("get", "/citations/graph", "The citation graph's size, or with ?note= one note's references and citers"),
        ("post", "/citations/export", "The knowledge base's papers as BibTeX, RIS, EndNote, CSL-JSON or CSV"),
        ("post", "/citations/format", "References, or the knowledge base's papers, in a CSL citation style"),
        ("get", "/memory", "What the agent remembers (?query= recalls the closest, ?user=, ?limit=)"),
        ("post", "/memory", "Remember something for later conversations"),
        ("put", "/memory/{id}", "Change what a memory says"),
        ("delete", "/memory/{id}", "Forget a memory"),
        ("get", "/operations", "Every background operation since the server started, newest first"),
        ("post", "/library/files", "Add a markdown note (indexed) or a PDF (processed) to the knowledge base"),
        ("get", "/library/pdf", "A PDF of the workspace (?path=, relative to the PDF folder)"),
        ("get", "/vectors/collections", "Every collection of the vector store: count, dimension, space, configuration"),
        ("get", "/vectors/collections/{id}/records", "A page of a collection's records (?limit=, ?offset=)"),
        ("post", "/vectors/collections/{id}/query", "The records nearest a text or another record"),
        ("delete", "/vectors/collections/{id}", "Delete a collection and its records"),
    ]

    func addOpenAPIRoutes(to router: RouterGroup<BasicRequestContext>) {
        router.get("/openapi.json") { _, _ in
            var paths = JSONObject()
            for route in Self.documentedRoutes {
                var operations = paths[route.path]?.objectValue ?? [:]
                let key = "\(route.method) \(route.path)"
                let schemas = OpenAPISchemas.schemas[key]
                let answer: JSONValue =
                    switch route.path {
                    case "/metrics": ["text/plain": ["schema": OpenAPISchemas.string]]
                    case "/library/pdf": ["application/pdf": ["schema": ["type": "string", "format": "binary"]]]
                    default: ["application/json": ["schema": schemas?.response ?? OpenAPISchemas.anyObject]]
                    }
                var responses: JSONObject = [
                    "200": ["description": "The answer", "content": answer],
                    "default": [
                        "description": "An error", "content": ["application/json": ["schema": OpenAPISchemas.error]],
                    ],
                ]
                if OpenAPISchemas.failuresAnsweredAsResults.contains(key) {
                    let either: JSONValue = [
                        "anyOf": [schemas?.response ?? OpenAPISchemas.anyObject, OpenAPISchemas.error]
                    ]
                    responses["400"] = [
                        "description": "The tool failed, or the request was wrong",
                        "content": ["application/json": ["schema": either]],
                    ]
                }
                var operation: JSONObject = ["summary": .string(route.summary), "responses": .object(responses)]
                if let request = schemas?.request {
                    operation["requestBody"] = [
                        "required": .bool(request.objectValue?["required"]?.arrayValue?.isEmpty == false),
                        "content": ["application/json": ["schema": request]],
                    ]
                }
                var parameters: [JSONValue] =
                    route.path.contains("{id}")
                    ? [["name": "id", "in": "path", "required": true, "schema": OpenAPISchemas.string]] : []
                for query in OpenAPISchemas.queryParameters[key] ?? [] {
                    parameters.append([
                        "name": .string(query.name), "in": "query", "required": .bool(query.required),
                        "schema": query.schema,
                    ])
                }
                if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
                operations[route.method] = .object(operation)
                paths[route.path] = .object(operations)
            }
            return JSONMessages.response([
                "openapi": "3.1.0",
                "info": ["title": "Thoth API", "version": .string(ThothVersion.current)],
                "paths": .object(paths),
            ])
        }
    }
}
