import ArgumentParser
import Foundation
import JSON
import Thoth

/// `thoth tags …`: the tag tools from the command line (`ToolRunner`).
struct TagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags", abstract: "The notes' tags: list, consolidate, suggest, rename, merge, delete, add.",
        subcommands: [List.self, Consolidate.self, Suggest.self, Rename.self, Merge.self, Delete.self, Add.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every tag, with how many notes carry it.")
        @Flag(help: "Print JSON.") var json = false
        func run() async throws { try await ToolRunner.run("manage_tag_vocabulary", ["action": "list"], json: json) }
    }

    struct Consolidate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge near-duplicate tags in every note.")
        @Flag(help: "Only report the groups.") var dryRun = false
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            try await ToolRunner.run("consolidate_tags", ["dry_run": .bool(dryRun)], json: json)
        }
    }

    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suggest tags for a note (default: every untagged note).")
        @Argument(help: "The note: its title, file name or path.") var note: String?
        @Flag(help: "Every note, tagged or not.") var all = false
        @Flag(help: "Add the suggested tags to the notes.") var apply = false
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            var arguments: JSONObject = ["force_all": .bool(all), "apply": .bool(apply)]
            if let note { arguments["article_identifier"] = .string(note) }
            try await ToolRunner.run("suggest_tags", arguments, json: json)
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a tag in every note.")
        @Argument var tag: String
        @Argument var newTag: String
        func run() async throws {
            try await ToolRunner.run(
                "manage_tag_vocabulary", ["action": "rename", "tag": .string(tag), "new_tag": .string(newTag)])
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge tags into one in every note.")
        @Option(help: "The tag they become.") var into: String
        @Argument var tags: [String]
        func run() async throws {
            try await ToolRunner.run(
                "manage_tag_vocabulary",
                ["action": "merge", "tags": .array(tags.map { .string($0) }), "new_tag": .string(into)])
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a tag from every note.")
        @Argument var tag: String
        func run() async throws {
            try await ToolRunner.run("manage_tag_vocabulary", ["action": "delete", "tag": .string(tag)])
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add tags to the vocabulary.")
        @Argument var tags: [String]
        func run() async throws {
            try await ToolRunner.run(
                "manage_tag_vocabulary", ["action": "add", "tags": .array(tags.map { .string($0) })])
        }
    }
}
