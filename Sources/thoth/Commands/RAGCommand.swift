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
            if !local, await RunningServer.isRunning() { return try await followServer() }
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
        @Option(help: "hybrid (words and meaning, fused), dense or words (default: THOTH_RAG_SEARCH_MODE or hybrid).")
        var mode: Retrieval.Mode?
        @Flag(help: "Use the store directly even if a server is running.") var local = false

        func run() async throws {
            var args = ["--query", query, "--filter-type", filterType]
            if let k { args += ["--k", String(k)] }
            if let mode { args += ["--mode", mode.rawValue] }
            if !local, let result = try await RAGCommand.remote("search", args) {
                return print(JSONWriter.string(result))
            }
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let passages = try await services.knowledge.search(
                query, k: k, documentType: filterType == "all" ? nil : filterType, mode: mode)
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

/// A one-line progress bar on standard error, with the time left at the pace so far.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let started = Date()

    func update(_ progress: IndexProgress) {
        update(fraction: progress.fraction, label: progress.summary)
    }

    func update(fraction: Double, label: String) {
        lock.withLock {
            let width = 30
            let fraction = min(1, max(0, fraction))
            let filled = Int((Double(width) * fraction).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let elapsed = Date().timeIntervalSince(started)
            let left = fraction > 0.01 ? " · " + Self.duration(elapsed * (1 - fraction) / fraction) + " left" : ""
            FileHandle.standardError.write(Data("\r[\(bar)] \(label.prefix(90))\(left)\u{1B}[K".utf8))
        }
    }

    /// "2m10s", "45s".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(min(seconds.isFinite ? seconds : 0, 8_640_000).rounded())
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}

extension RAGCommand.Index {
    /// Has the running server index (an operation), and follows it with the same bar. Ctrl-C
    /// stops following, not indexing: the server finishes the run, so the index stays whole.
    func followServer() async throws {
        let started = try await RunningServer.post(
            "operations/stream/operation",
            body: ["operation_type": "rag_index", "parameters": ["force": .bool(force)]], subject: "thoth-cli",
            tokenMinutes: 5, timeout: 30)
        guard let id = started.objectValue?["operation_id"]?.stringValue else {
            throw ValidationError("The server did not start indexing: \(JSONWriter.string(started))")
        }
        FileHandle.standardError.write(
            Data("Indexing on the running server at \((try? RunningServer.apiURL())?.absoluteString ?? "")\n".utf8))
        let bar = ProgressBar()
        while true {
            try await Task.sleep(for: .milliseconds(200))
            let status = try await RunningServer.get("operations/\(id)/status", subject: "thoth-cli")
            let message = status["message"]?.stringValue ?? ""
            switch status["status"]?.stringValue {
            case "completed":
                // The whole run on the bar, however quickly it went.
                let result = status["result"]?.objectValue ?? [:]
                let files = Int(result["files_seen"]?.intValue ?? 0)
                bar.update(
                    IndexProgress(
                        done: files, total: files, file: "", chunks: Int(result["chunks_written"]?.intValue ?? 0),
                        seconds: result["seconds"]?.doubleValue ?? 0))
                bar.finish()
                return print(JSONWriter.string(status["result"] ?? .null))
            case "failed":
                bar.finish()
                throw ValidationError("Indexing failed on the server: \(message)")
            default:
                bar.update(fraction: Double(status["progress"]?.intValue ?? 0) / 100, label: message)
            }
        }
    }
}

extension Retrieval.Mode: ExpressibleByArgument {}
