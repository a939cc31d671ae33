import ArgumentParser
import Foundation
import JSON

/// `thoth memory …`: what the research agent remembers, from the command line (`ToolRunner`).
struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "What the research agent remembers: list, add, edit, delete.",
        subcommands: [List.self, Add.self, Edit.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Memories, newest first (or closest to --query).")
        @Option(help: "Only memories about this.") var query: String?
        @Option(help: "Whose memory.") var user = "default"
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            var arguments: JSONObject = ["user": .string(user)]
            if let query { arguments["query"] = .string(query) }
            try await ToolRunner.run("list_memories", arguments, json: json)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remember something.")
        @Argument var text: String
        @Option(help: "Whose memory.") var user = "default"
        func run() async throws {
            try await ToolRunner.run("remember", ["text": .string(text), "user": .string(user)])
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change what a memory says.")
        @Argument var id: String
        @Argument var text: String
        func run() async throws {
            try await ToolRunner.run("update_memory", ["memory_id": .string(id), "text": .string(text)])
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a memory.")
        @Argument var id: String
        func run() async throws { try await ToolRunner.run("forget_memory", ["memory_id": .string(id)]) }
    }
}
