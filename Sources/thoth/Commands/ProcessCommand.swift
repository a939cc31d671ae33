import ArgumentParser
import Documents
import Foundation
import JSON
import Thoth

/// `thoth process FILE…|--dir DIR [--force]`: PDFs into analysed notes. With a server running
/// the work goes to it (files outside the workspace are first copied into the PDF folder);
/// otherwise the workspace is opened here.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process", abstract: "Turn PDFs into analysed notes in the knowledge base.")

    @Argument(help: "PDF files to process.") var files: [String] = []
    @Option(help: "Process every PDF in this folder.") var dir: String?
    @Flag(help: "Process again PDFs already processed or failed before.") var force = false
    @Flag(help: "Use the workspace directly even if a server is running.") var local = false

    func validate() throws {
        guard !files.isEmpty || dir != nil else { throw ValidationError("Name PDF files or a folder (--dir)") }
    }

    func run() async throws {
        var paths = files.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let dir {
            let folder = URL(fileURLWithPath: dir).standardizedFileURL.path
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
                $0.lowercased().hasSuffix(".pdf") && !$0.hasPrefix(".")
            }.sorted()
            paths += names.map { (folder as NSString).appendingPathComponent($0) }
        }
        let bar = ProgressBar()
        var results: [JSONValue] = []
        var failed = 0
        if !local, await RunningServer.isRunning() {
            let configuration = try ThothConfiguration.load()
            for (index, path) in paths.enumerated() {
                bar.update(fraction: Double(index) / Double(paths.count), label: (path as NSString).lastPathComponent)
                let reply = try await RunningServer.post(
                    "tools/execute",
                    body: [
                        "tool_name": "process_pdf", "bypass_agent": true,
                        "parameters": [
                            "pdf_path": .string(try Self.inWorkspace(path, configuration.workspace)),
                            "skip_existing": .bool(!force),
                        ],
                    ], subject: "thoth-cli", tokenMinutes: 60, timeout: 3600, acceptingErrors: true)
                if reply.objectValue?["is_error"] == .bool(true) { failed += 1 }
                results.append(reply.objectValue?["result"] ?? reply.objectValue?["error"] ?? reply)
            }
        } else {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let total = Double(paths.count)
            for (index, path) in paths.enumerated() {
                let name = (path as NSString).lastPathComponent
                let outcome = await services.pipeline.process(path, force: force) { fraction, step in
                    bar.update(fraction: (Double(index) + fraction) / total, label: "\(name): \(step)")
                }
                if outcome.status == .failed { failed += 1 }
                results.append(outcome.json)
            }
        }
        bar.finish()
        print(JSONWriter.string(.array(results)))
        if failed > 0 { throw ExitCode(1) }
    }

    /// The path the server can read: files outside the workspace are copied into the PDF folder.
    static func inWorkspace(_ path: String, _ workspace: Workspace) throws -> String {
        if path.hasPrefix(workspace.root + "/") { return path }
        let target = FileName.free(
            ((path as NSString).lastPathComponent as NSString).deletingPathExtension, extension: ".pdf",
            in: workspace.pdfs
        ) { candidate in
            !FileManager.default.fileExists(atPath: candidate)
                || FileManager.default.contentsEqual(atPath: candidate, andPath: path)
        }
        if !FileManager.default.fileExists(atPath: target) {
            try FileManager.default.copyItem(atPath: path, toPath: target)
        }
        return target
    }
}

/// `thoth monitor`: watch the PDF folder and process new PDFs, without the server.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Watch the PDF folder and process PDFs as they arrive (no server).")

    @Option(help: "The folder to watch (default: the workspace's PDF folder).") var watchDir: String?
    @Option(help: "Seconds between scans (default: $THOTH_MONITOR_INTERVAL_SECONDS or 2).") var pollingInterval: Double?

    func run() async throws {
        let services = try RAGCommand.open()
        defer { try? services.close() }
        let configuration = services.configuration
        let watcher =
            watchDir == nil && pollingInterval == nil
            ? services.watcher
            : PDFWatcher(
                folder: watchDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                    ?? configuration.workspace.pdfs,
                pipeline: services.pipeline, interval: pollingInterval ?? configuration.monitorIntervalSeconds)
        watcher.log { message in print(message) }
        let task = Task { await watcher.run() }
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        await task.value
        signals.forEach { $0.cancel() }
    }
}
