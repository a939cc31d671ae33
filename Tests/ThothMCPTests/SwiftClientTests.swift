import Foundation
import MCP
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The MCP listener of the real binary (`.build/debug/thoth`, or `THOTH_BIN`) with the Swift
/// SDK's own HTTP client transport.
@Suite struct SwiftClientTests {
    @Test func swiftSDKClientListsAndCallsTools() async throws {
        let server = try await ThothProcess.start()
        defer { server.stop() }
        let client = Client(name: "swift-sdk-test", version: "1.0")
        let transport = HTTPClientTransport(endpoint: URL(string: "\(server.url)/mcp")!, streaming: false)
        let initialized = try await client.connect(transport: transport)
        #expect(initialized.serverInfo.name == "Thoth Research Assistant")
        let (tools, _) = try await client.listTools()
        #expect(tools.count == 51)
        #expect(tools.contains { $0.name == "search_articles" })
        let (content, isError) = try await client.callTool(name: "list_queries", arguments: [:])
        #expect(isError == false)
        guard case .text(let text, _, _) = content.first else {
            Issue.record("expected text content")
            return
        }
        #expect(text == "No research queries yet.")
        let (_, failed) = try await client.callTool(name: "get_query", arguments: ["query_name": .int(3)])
        #expect(failed == true)
        await client.disconnect()
    }
}

/// `thoth server start` with only the MCP listener, in a temporary workspace.
struct ThothProcess {
    let process: Process
    let url: String

    static func start() async throws -> ThothProcess {
        let binary =
            ProcessInfo.processInfo.environment["THOTH_BIN"]
            ?? FileManager.default.currentDirectoryPath + "/.build/debug/thoth"
        let workspace = NSTemporaryDirectory() + "thoth-mcp-swift-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["server", "start", "--no-api", "--no-chroma"]
            var environment = ProcessInfo.processInfo.environment
            environment["THOTH_WORKSPACE_DIR"] = workspace
            environment["THOTH_MCP_PORT"] = String(port)
            environment["THOTH_LOG_LEVEL"] = "warning"
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let url = "http://127.0.0.1:\(port)"
            for _ in 0..<200 where process.isRunning {
                if let (_, response) = try? await URLSession.shared.data(from: URL(string: url + "/health")!),
                    (response as? HTTPURLResponse)?.statusCode == 200
                {
                    return ThothProcess(process: process, url: url)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            // Most likely the port was taken: try another.
            process.terminate()
            process.waitUntilExit()
        }
        throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "thoth did not start"])
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
