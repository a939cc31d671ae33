import ArgumentParser
import Foundation
import Logging
import MCP
import Thoth
import ThothMCP

/// `thoth mcp stdio`: the MCP server on standard input and output, for desktop clients that
/// launch their servers as processes. It uses the workspace's store directly; run it while no
/// `thoth server` writes to the same workspace.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Serve MCP on standard input and output.", subcommands: [Stdio.self])

    struct Stdio: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "MCP over stdio (newline-delimited JSON-RPC).")

        func run() async throws {
            // Standard output carries the protocol: logs go to standard error.
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            let services = try ThothServices(configuration: try ThothConfiguration.load())
            let server = await ThothMCPStdio.start(services)
            await server.waitUntilCompleted()
            try services.close()
        }
    }
}
