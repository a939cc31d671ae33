import ArgumentParser
import ChromaServer
import Foundation
import Logging
import Thoth
import VectorStore

/// `thoth chroma`: the Chroma-compatible vector server alone, a drop-in for the `chromadb` container.
struct ChromaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chroma", abstract: "Serve the embedded store over Chroma's HTTP API (v2 and v1).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8003
    @OptionGroup var store: StoreOptions
    @Flag(help: "Allow POST /reset to wipe the store (also ALLOW_RESET=TRUE).") var allowReset = false
    @Option(help: "Largest request body accepted, in MiB (1…65536).") var maxBodyMib = 256

    func run() async throws {
        guard (1...65536).contains(maxBodyMib) else { throw ValidationError("--max-body-mib must be in 1…65536") }
        let environment = EnvironmentFile.resolvingFileReferences(ProcessInfo.processInfo.environment)
        let problems = EnvironmentFile.unreadableFileReferences(environment)
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        var logger = Logger(label: "thoth.chroma")
        logger.logLevel = Logger.Level(rawValue: (environment["THOTH_LOG_LEVEL"] ?? "info").lowercased()) ?? .info
        let vectorStore = try VectorStore(path: store.path)
        let settings = ChromaServerSettings(
            environment: environment, allowReset: allowReset, bindHost: host, maxBodyBytes: maxBodyMib << 20)
        logger.info("Chroma API on http://\(host):\(port), store in \(store.path)")
        try await ChromaAPI(store: vectorStore, settings: settings).run(host: host, port: port, logger: logger)
        try vectorStore.close()
    }
}
