import ArgumentParser
import Foundation
import JSON
import JSONHTTP

/// `thoth server status`: asks each listener of the running server and prints its state.
/// Exits 0 when every listener answers, 1 otherwise.
struct ServerStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Ask the running server's listeners how they are.")

    @OptionGroup var addresses: ServerAddressOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (api, mcp, chroma) = try addresses.resolved()
        let client = JSONHTTPClient(timeout: 5, maxRetries: 0)
        async let apiState = Self.state(client, api.appendingPathComponent("health"))
        async let mcpState = Self.state(client, mcp.appendingPathComponent("health"))
        async let chromaState = Self.state(client, chroma.appendingPathComponent("api/v2/heartbeat"))
        let states = [
            ("api", api, await apiState), ("mcp", mcp, await mcpState), ("chroma", chroma, await chromaState),
        ]
        if json {
            print(
                JSONWriter.string(
                    .object(
                        JSONObject(
                            states.map { name, url, state in
                                (
                                    name,
                                    [
                                        "url": .string(url.absoluteString), "state": .string(state.text),
                                        "up": .bool(state.up),
                                    ]
                                )
                            }))))
        } else {
            for (name, url, state) in states {
                print("\(name.padding(toLength: 7, withPad: " ", startingAt: 0)) \(url.absoluteString)  \(state.text)")
            }
        }
        if !states.allSatisfy(\.2.up) { throw ExitCode(1) }
    }

    static func state(_ client: JSONHTTPClient, _ url: URL) async -> (up: Bool, text: String) {
        do {
            let reply = try await client.send("GET", url)
            if reply.isSuccess {
                let status = reply.json?.objectValue?["status"]?.stringValue
                return (true, "running" + (status.map { " (\($0))" } ?? ""))
            }
            return (false, "answering HTTP \(reply.status)")
        } catch let error as JSONHTTPError {
            return (false, "not running (\(error.reason))")
        } catch {
            return (false, "not running (\(error))")
        }
    }
}
