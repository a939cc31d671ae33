import Foundation
import JSON
import MCP
import Thoth

/// An MCP server over Thoth's services: the tool registry's tools, the notes as `note://`
/// resources, and research prompts. One is made per session (and one for stdio).
enum ThothMCPServer {
    static let protocolVersion = "2025-06-18"

    static func make(_ services: ThothServices) async -> Server {
        let server = Server(
            name: "Thoth Research Assistant", version: ThothVersion.current,
            instructions: "Search and question the user's research notes and papers; manage research queries.",
            capabilities: .init(
                prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false),
                tools: .init(listChanged: false)))
        let registry = services.tools
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(
                tools: registry.tools.map {
                    MCP.Tool(name: $0.name, description: $0.description, inputSchema: MCPValue.value($0.inputSchema))
                })
        }
        await server.withMethodHandler(CallTool.self) { params in
            let arguments = JSONObject(
                (params.arguments ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, MCPValue.json($0.value)) })
            let result = await registry.call(params.name, arguments: arguments)
            return CallTool.Result(
                content: [.text(text: result.text, annotations: nil, _meta: nil)], isError: result.isError)
        }
        let notes = NoteResources(workspace: services.configuration.workspace)
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(
                resources: notes.list().map {
                    Resource(name: $0.title, uri: $0.uri, description: $0.relativePath, mimeType: "text/markdown")
                }, nextCursor: nil)
        }
        await server.withMethodHandler(ReadResource.self) { params in
            do {
                return ReadResource.Result(contents: [
                    .text(try notes.read(params.uri), uri: params.uri, mimeType: "text/markdown")
                ])
            } catch let error as ToolError {
                throw MCPError.invalidParams(error.message)
            }
        }
        await server.withMethodHandler(ListPrompts.self) { _ in
            ListPrompts.Result(prompts: ResearchPrompts.all.map(\.prompt), nextCursor: nil)
        }
        await server.withMethodHandler(GetPrompt.self) { params in
            guard let prompt = ResearchPrompts.all.first(where: { $0.prompt.name == params.name }) else {
                throw MCPError.invalidParams("Unknown prompt '\(params.name)'")
            }
            let arguments = params.arguments ?? [:]
            return try prompt.render(arguments)
        }
        return server
    }
}

/// The Markdown notes of the workspace as `note://<path under the notes folder>` resources.
struct NoteResources: Sendable {
    let workspace: Workspace

    struct Note {
        let uri: String
        let relativePath: String
        let title: String
    }

    func list() -> [Note] {
        MarkdownFiles.relativePaths(in: workspace.notes).map { relative in
            Note(
                uri: "note://" + (relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative),
                relativePath: relative,
                title: ((relative as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
    }

    /// The note's text; only files inside the notes folder can be read.
    func read(_ uri: String) throws -> String {
        guard uri.hasPrefix("note://") else { throw ToolError("Not a note URI: \(uri)") }
        let relative = String(uri.dropFirst(7)).removingPercentEncoding ?? ""
        let root = (workspace.notes as NSString).standardizingPath
        let path = ((root as NSString).appendingPathComponent(relative) as NSString).standardizingPath
        guard path.hasPrefix(root + "/"), !relative.isEmpty else { throw ToolError("Not a note URI: \(uri)") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ToolError("No note at \(uri)")
        }
        return text
    }
}

/// Prompts a client can offer its user.
struct ResearchPrompts {
    let prompt: Prompt
    let render: @Sendable ([String: String]) throws -> GetPrompt.Result

    static let all: [ResearchPrompts] = [
        ResearchPrompts(
            prompt: Prompt(
                name: "research_summary", description: "Summarise what the knowledge base says about a topic",
                arguments: [
                    .init(name: "topic", description: "The topic or question", required: true),
                    .init(name: "focus", description: "overview, methodology, findings or gaps"),
                ])
        ) { arguments in
            guard let topic = arguments["topic"], !topic.isEmpty else {
                throw MCPError.invalidParams("'topic' is required")
            }
            let focus = arguments["focus"] ?? "overview"
            return GetPrompt.Result(
                description: "Research summary of \(topic)",
                messages: [
                    .user(
                        .text(
                            text: "Write a \(focus) research summary of \"\(topic)\". First call search_articles "
                                + "with the topic, read the most relevant articles with get_article_details, then "
                                + "summarise their findings and cite each source by title."))
                ])
        },
        ResearchPrompts(
            prompt: Prompt(
                name: "related_work", description: "Find and explain work related to an article",
                arguments: [.init(name: "article", description: "Title or file name of the article", required: true)])
        ) { arguments in
            guard let article = arguments["article"], !article.isEmpty else {
                throw MCPError.invalidParams("'article' is required")
            }
            return GetPrompt.Result(
                description: "Related work for \(article)",
                messages: [
                    .user(
                        .text(
                            text: "Call find_related_papers for \"\(article)\" and explain how each related article "
                                + "connects to it."))
                ])
        },
    ]
}
