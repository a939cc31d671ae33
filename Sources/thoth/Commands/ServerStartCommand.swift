import ArgumentParser
import ChromaServer
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import Thoth
import ThothAPI
import ThothMCP

/// `thoth server start`: the API (8000), MCP (8001) and Chroma API (8003) in one process over
/// one store. SIGTERM or SIGINT stops accepting, lets in-flight requests finish, then closes
/// the store.
struct ServerStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Serve the REST API, MCP and the Chroma-compatible API from one process.")

    @Option(help: "API address (default: $THOTH_API_HOST or 127.0.0.1).") var apiHost: String?
    @Option(help: "API port (default: $THOTH_API_PORT or 8000).") var apiPort: Int?
    @Option(help: "Accepted for compatibility; the API is served at /.") var apiBaseUrl: String?
    @Option(help: "MCP address (default: $THOTH_MCP_HOST or the API address).") var mcpHost: String?
    @Option(help: "MCP port (default: $THOTH_MCP_PORT or 8001).") var mcpPort: Int?
    @Option(help: "Chroma API address (default: $THOTH_CHROMA_HOST or the API address).") var chromaHost: String?
    @Option(help: "Chroma API port (default: $THOTH_CHROMA_PORT or 8003).") var chromaPort: Int?
    @Flag(help: "Do not serve the REST API.") var noApi = false
    @Flag(help: "Do not serve MCP.") var noMcp = false
    @Flag(help: "Do not serve the Chroma-compatible API.") var noChroma = false
    @Flag(help: "Do not start the discovery scheduler.") var noDiscovery = false
    @Flag(help: "Do not watch the PDF folder (also THOTH_MONITOR_ENABLED=false).") var noMonitor = false
    @Flag(help: "Allow the Chroma API's POST /reset (also ALLOW_RESET=TRUE).") var allowReset = false

    func run() async throws {
        var configuration = try ThothConfiguration.load()
        if let apiHost {
            configuration.apiHost = apiHost
            if mcpHost == nil, configuration.environment["THOTH_MCP_HOST"] == nil { configuration.mcpHost = apiHost }
            if chromaHost == nil, configuration.environment["THOTH_CHROMA_HOST"] == nil {
                configuration.chromaHost = apiHost
            }
        }
        if let apiPort { configuration.apiPort = apiPort }
        if let mcpHost { configuration.mcpHost = mcpHost }
        if let mcpPort { configuration.mcpPort = mcpPort }
        if let chromaHost { configuration.chromaHost = chromaHost }
        if let chromaPort { configuration.chromaPort = chromaPort }
        guard !(noApi && noMcp && noChroma) else {
            throw ValidationError("Nothing to serve: --no-api, --no-mcp and --no-chroma were all given")
        }
        try configuration.workspace.create()
        ServerLogging.bootstrap(
            level: configuration.logLevel, logsDirectory: configuration.workspace.logs,
            maxBytes: configuration.logMaxBytes, backups: configuration.logBackups)
        let logger = Logger(label: "thoth")

        let services = try ThothServices(configuration: configuration, openStore: !noChroma)
        let listeners = Listeners(
            api: noApi ? nil : .init(host: configuration.apiHost, port: configuration.apiPort),
            mcp: noMcp ? nil : .init(host: configuration.mcpHost, port: configuration.mcpPort),
            chroma: noChroma ? nil : .init(host: configuration.chromaHost, port: configuration.chromaPort))
        var applications: [any Service] = []
        if let address = listeners.api {
            let api = ThothAPI(services: services, listeners: listeners)
            applications.append(
                Application(
                    router: try api.router(),
                    server: .http1WebSocketUpgrade(webSocketRouter: try api.webSocketRouter()),
                    configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
                    logger: Logger(label: "thoth.api")))
        }
        let mcpServer = ThothMCP(services: services, listener: listeners.mcp)
        if let mcp = listeners.mcp {
            applications.append(Self.application(try mcpServer.router(), mcp, "thoth.mcp"))
        }
        if let chroma = listeners.chroma, let store = services.store {
            let settings = ChromaServerSettings(
                environment: configuration.environment, allowReset: allowReset, bindHost: chroma.host)
            applications.append(
                Self.application(ChromaAPI(store: store, settings: settings).router(), chroma, "thoth.chroma"))
        }
        logger.info(
            "Thoth \(ThothVersion.current): workspace \(configuration.workspace.root), vectors \(services.backend.description)"
        )
        for (name, address) in [("API", listeners.api), ("MCP", listeners.mcp), ("Chroma API", listeners.chroma)] {
            logger.info("\(name): \(address.map { "http://\($0.host):\($0.port)" } ?? "disabled")")
        }
        if let problem = services.knowledge.problem { logger.warning("RAG unavailable: \(problem)") }
        if services.assistant.chatModel == nil {
            logger.notice("No LLM key configured: answers are quoted from the knowledge base")
        }
        if noDiscovery || !configuration.discoveryEnabled {
            logger.info("Discovery scheduler: disabled")
        } else {
            services.discoveryScheduler.log { logger.info("\($0)") }
            applications.append(DiscoveryService(scheduler: services.discoveryScheduler))
        }
        if !noMonitor && configuration.monitorEnabled {
            services.watcher.log { logger.info("\($0)") }
            applications.append(WatcherService(watcher: services.watcher))
        } else {
            logger.info("PDF folder watcher: disabled")
        }

        let group = ServiceGroup(
            configuration: .init(services: applications, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await mcpServer.close()
            try? services.close()
            throw error
        }
        await mcpServer.close()
        try services.close()
        logger.info("Stopped; store closed")
    }

    static func application(_ router: Router<BasicRequestContext>, _ address: Listeners.Address, _ label: String)
        -> some Service
    {
        Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            logger: Logger(label: label))
    }
}

/// The PDF folder watcher as one of the server's services: it stops with the others.
struct WatcherService: Service {
    let watcher: PDFWatcher

    func run() async throws {
        await cancelWhenGracefulShutdown { await watcher.run() }
    }
}

/// The discovery scheduler as one of the server's services.
struct DiscoveryService: Service {
    let scheduler: DiscoveryScheduler

    func run() async throws {
        await cancelWhenGracefulShutdown { await scheduler.run() }
    }
}
