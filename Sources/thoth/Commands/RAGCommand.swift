import ArgumentParser
import Foundation
import JSON
import Thoth

/// `thoth rag index|search|ask|stats|clear`. When a server is running, the command goes to it
/// (its in-memory index then stays in step); otherwise the workspace's store is opened here.
struct RAGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag", abstract: "Index the notes and search or question them.",
        subcommands: [Index.self, Search.self, Ask.self, Stats.self, Clear.self])

    struct Index: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Index the notes and markdown folders.")
        @Flag(help: "Re-embed every file, changed or not.") var force = false
        @Flag(help: "Use the store directly even if a server is running.") var local = false

        func run() async throws {
            if !local, let result = try await RAGCommand.remote("index", force ? ["--force"] : []) {
                return print(JSONWriter.string(result))
            }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let bar = ProgressBar()
            let report = try await services.knowledge.index(force: force) { bar.update($0) }
            bar.finish()
            print(JSONWriter.string(report.json))
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The passages most similar to a query.")
        @Option(help: "What to look for.") var query: String
        @Option(help: "How many passages (default: THOTH_RAG_DEFAULT_K or 4).") var k: Int?
        @Option(help: "note, article or all.") var filterType = "all"
        @Flag(help: "Use the store directly even if a server is running.") var local = false

        func run() async throws {
            var args = ["--query", query, "--filter-type", filterType]
            if let k { args += ["--k", String(k)] }
            if !local, let result = try await RAGCommand.remote("search", args) {
                return print(JSONWriter.string(result))
            }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let passages = try await services.knowledge.search(
                query, k: k, documentType: filterType == "all" ? nil : filterType)
            print(JSONWriter.string(.array(passages.map(\.json))))
        }
    }

    struct Ask: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer a question from the knowledge base.")
        @Option(help: "The question.") var question: String
        @Option(help: "Passages to answer from (default: THOTH_RAG_DEFAULT_K or 4).") var k: Int?
        @Flag(help: "Use the store directly even if a server is running.") var local = false

        func run() async throws {
            var args = ["--question", question]
            if let k { args += ["--k", String(k)] }
            if !local, let result = try await RAGCommand.remote("ask", args) { return print(JSONWriter.string(result)) }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let answer = try await services.assistant.ask(question, k: k)
            print(
                JSONWriter.string([
                    "question": .string(question), "answer": .string(answer.text), "sources": answer.sourcesJSON,
                    "model": .string(answer.model),
                ]))
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the index holds.")
        @Flag(help: "Use the store directly even if a server is running.") var local = false

        func run() async throws {
            if !local, let result = try await RAGCommand.remote("stats", []) { return print(JSONWriter.string(result)) }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            print(JSONWriter.string(.object(try await services.knowledge.stats())))
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the whole index (the notes stay). Stop the server first.")
        @Flag(help: "Really delete it.") var confirm = false

        func run() async throws {
            guard confirm else { throw ValidationError("This deletes the whole index; add --confirm to do it") }
            if await RunningServer.isRunning() {
                throw ValidationError("A Thoth server is running on this workspace; stop it before clearing the index")
            }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            try await services.knowledge.clear()
            print("Cleared the collection \(services.knowledge.settings.collection)")
        }
    }

    static func open() throws -> ThothServices {
        try ThothServices(configuration: try ThothConfiguration.load(), openStore: false)
    }

    /// The command's result from the running server, or nil when no server answers.
    static func remote(_ subcommand: String, _ args: [String]) async throws -> JSONValue? {
        guard await RunningServer.isRunning() else { return nil }
        let reply = try await RunningServer.post(
            "execute/command", body: ["command": "rag", "args": .array(([subcommand] + args).map { .string($0) })],
            subject: "thoth-cli", tokenMinutes: 5, timeout: 3600)
        FileHandle.standardError.write(
            Data("(answered by the running server at \((try? RunningServer.apiURL())?.absoluteString ?? ""))\n".utf8))
        return reply.objectValue?["result"] ?? .null
    }
}

/// A one-line progress bar on standard error.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()

    func update(_ progress: IndexProgress) {
        update(
            fraction: progress.total == 0 ? 1 : Double(progress.done) / Double(progress.total),
            label: "\(progress.done)/\(progress.total) " + (progress.file as NSString).lastPathComponent)
    }

    func update(fraction: Double, label: String) {
        lock.withLock {
            let width = 30
            let filled = Int((Double(width) * min(1, max(0, fraction))).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(label.prefix(60))\u{1B}[K".utf8))
        }
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}
