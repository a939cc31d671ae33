import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// The plugin's command route, at `/tools/execute/command` and at `/execute/command` (the
    /// path the plugin really calls): `{command, args, kwargs}` → `{command, args, kwargs, result,
    /// streaming, timestamp}`. The commands are `rag index|search|ask|stats`; others are unknown.
    func addCommandRoutes(to router: RouterGroup<BasicRequestContext>) {
        for path in ["/tools/execute/command", "/execute/command"] {
            router.post(RouterPath(path)) { request, _ in
                let body = try await JSONMessages.object(request)
                let command = try body.requiredString("command")
                guard case .array(let args) = body["args"] ?? [] else {
                    throw APIError(.badRequest, "Field 'args' must be a list")
                }
                let kwargs = try body.object("kwargs") ?? [:]
                let result = try await runCommand(command, args: args.map(Self.scalarText), kwargs: kwargs)
                return JSONMessages.response([
                    "command": .string(command), "args": .array(args), "kwargs": .object(kwargs), "result": result,
                    "streaming": body["streaming"] ?? false, "timestamp": .string(ISOTime.string(Date())),
                ])
            }
        }
    }

    func runCommand(_ command: String, args: [String], kwargs: JSONObject) async throws -> JSONValue {
        let options = CommandOptions(args: args, kwargs: kwargs)
        switch (command, options.subcommand) {
        case ("rag", "index"):
            return try await services.knowledge.index(force: options.flag("force")).json
        case ("rag", "search"):
            let mode = try options.value("mode").map { name in
                guard let mode = Retrieval.Mode(rawValue: name) else {
                    throw APIError(.badRequest, "'mode' must be hybrid, dense or words")
                }
                return mode
            }
            let passages = try await services.knowledge.search(
                try options.required("query"), k: try options.integer("k"),
                documentType: options.value("filter_type").flatMap { $0 == "all" ? nil : $0 }, mode: mode)
            return .array(passages.map(\.json))
        case ("rag", "ask"):
            let answer = try await services.assistant.ask(try options.required("question"), k: try options.integer("k"))
            return [
                "question": .string(try options.required("question")), "answer": .string(answer.text),
                "sources": answer.sourcesJSON, "model": .string(answer.model),
            ]
        case ("rag", "stats"):
            return .object(try await services.knowledge.stats())
        case ("discovery", "list"):
            let sources = services.discovery.sources
            return .array(try sources.names().map { .object(try sources.source($0)) })
        case ("discovery", "run"):
            return .object(try await services.discovery.run(try options.value("source") ?? options.required("name")))
        case ("pdf-locate", let doi):
            guard let identifier = options.value("arxiv_id") ?? doi ?? options.value("doi") else {
                throw APIError(.badRequest, "Give the DOI to locate (or --arxiv-id)")
            }
            return .object(
                try await services.discovery.locate(
                    identifier, all: options.flag("all"), download: options.flag("download")))
        case ("discovery", let other):
            throw APIError(.badRequest, "Unknown discovery command '\(other ?? "")': use list or run")
        case ("notes", "reprocess-note"):
            let identifier = try options.value("article_id") ?? options.required("note")
            let note = try await PipelineTools.notePath(identifier, knowledge: services.knowledge)
            return try await services.pipeline.reprocess(note).json
        case ("notes", "regenerate-all-notes"):
            let outcomes = try await services.pipeline.regenerateAll()
            return PipelineTools.batchOutput(outcomes).data
        case ("notes", "consolidate-tags"):
            return .object(try await services.tags.consolidate(apply: options.value("dry_run") != "true").json)
        case ("notes", let other):
            throw APIError(
                .badRequest,
                "Unknown notes command '\(other ?? "")': use reprocess-note, regenerate-all-notes or consolidate-tags")
        case ("rag", let other):
            throw APIError(.badRequest, "Unknown rag command '\(other ?? "")': use index, search, ask or stats")
        default:
            throw APIError(
                .badRequest,
                "Unknown command '\(command)': use rag (index, search, ask, stats), notes (reprocess-note, "
                    + "regenerate-all-notes, consolidate-tags), discovery (list, run) or pdf-locate")
        }
    }
}

/// A command's options from `kwargs` or from `--name value` / `--flag` arguments, the first
/// plain argument being the subcommand.
struct CommandOptions {
    var subcommand: String?
    var values: [String: String] = [:]

    init(args: [String], kwargs: JSONObject) {
        var index = 0
        while index < args.count {
            let arg = args[index]
            if arg.hasPrefix("--") {
                let name = String(arg.dropFirst(2)).replacingOccurrences(of: "-", with: "_")
                if index + 1 < args.count, !args[index + 1].hasPrefix("--") {
                    values[name] = args[index + 1]
                    index += 1
                } else {
                    values[name] = "true"
                }
            } else if subcommand == nil {
                subcommand = arg
            }
            index += 1
        }
        for (key, value) in kwargs { values[key] = ThothAPI.scalarText(value) }
        subcommand = subcommand ?? values["subcommand"]
    }

    func value(_ name: String) -> String? { values[name] }

    func required(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else {
            throw APIError(
                .badRequest, "Missing '\(name)' (as kwargs or --\(name.replacingOccurrences(of: "_", with: "-")))")
        }
        return value
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else { throw APIError(.badRequest, "'\(name)' must be an integer") }
        return value
    }

    func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(values[name]?.lowercased() ?? "") }
}
