import ArgumentParser
import Foundation
import JSON
import JSONHTTP
import Thoth

/// `thoth health`: the original `docker/healthcheck.py`. `--simple` checks the API's `/health`
/// (exit 0 healthy, 1 not); the full check runs five checks at once and prints the same JSON
/// report, exiting 0 healthy, 1 degraded, 2 unhealthy, 3 when the check itself crashed.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check a running Thoth server (the container health check).")

    @OptionGroup var addresses: ServerAddressOptions
    @Flag(help: "Only check the API's /health; print healthy or unhealthy.") var simple = false
    @Flag(help: "Only check the Chroma heartbeat (for a `thoth chroma` container); print healthy or unhealthy.")
    var chromaOnly = false
    @Flag(help: "Print the report as JSON (the default for the full check).") var json = false
    @Option(help: "Seconds each check may take.") var timeout: Double = 10

    func run() async throws {
        do {
            try await check()
        } catch let code as ExitCode {
            throw code
        } catch {
            FileHandle.standardError.write(Data("health check crashed: \(error)\n".utf8))
            throw ExitCode(3)
        }
    }

    private func check() async throws {
        let (api, mcp, chroma) = try addresses.resolved()
        // With auth on, the full report must get past it to tell the truth about the routes behind it.
        let headers = try await RunningServer.authorization(subject: "thoth-health", minutes: 5)
        let client = JSONHTTPClient(headers: headers, timeout: timeout, maxRetries: 0)
        if simple || chromaOnly {
            let probe =
                chromaOnly ? chroma.appendingPathComponent("api/v2/heartbeat") : api.appendingPathComponent("health")
            let healthy = (try? await client.send("GET", probe))?.status == 200
            print(healthy ? "healthy" : "unhealthy")
            throw ExitCode(healthy ? 0 : 1)
        }
        let started = Date()
        let checks = HealthChecks(
            client: client, api: api, mcp: mcp, chroma: chroma, chromaIsElsewhere: addresses.chromaIsElsewhere)
        let services = await checks.run()
        let statuses = services.map { $0.value.objectValue?["status"]?.stringValue ?? "unhealthy" }
        let overall =
            statuses.contains("unhealthy") ? "unhealthy" : statuses.contains("degraded") ? "degraded" : "healthy"
        let report: JSONValue = [
            "overall_status": .string(overall), "timestamp": .string(ISOTime.utc(Date())),
            "check_duration_seconds": .double((Date().timeIntervalSince(started) * 1000).rounded() / 1000),
            "services": .object(services),
            "summary": [
                "total_checks": .int(Int64(statuses.count)),
                "healthy": .int(Int64(statuses.filter { $0 == "healthy" }.count)),
                "degraded": .int(Int64(statuses.filter { $0 == "degraded" }.count)),
                "unhealthy": .int(Int64(statuses.filter { $0 == "unhealthy" }.count)),
            ],
        ]
        print(JSONWriter.string(report))
        throw ExitCode(overall == "healthy" ? 0 : overall == "degraded" ? 1 : 2)
    }
}

/// The five checks of the original health check.
struct HealthChecks {
    let client: JSONHTTPClient
    let api: URL
    let mcp: URL
    let chroma: URL
    let chromaIsElsewhere: Bool

    func run() async -> JSONObject {
        // A listener the server reports as disabled is degraded, not down.
        let apiHealth = try? await client.send("GET", api.appendingPathComponent("health"))
        let reported = apiHealth?.json?.objectValue?["services"]?.objectValue
        func disabled(_ name: String) -> Bool {
            reported?[name]?.objectValue?["status"]?.stringValue == "disabled"
        }
        async let mcpCheck = disabled("mcp") ? Self.disabled("MCP") : simple(mcp.appendingPathComponent("health"))
        async let chromaCheck =
            disabled("chroma") && !chromaIsElsewhere ? Self.disabled("Chroma API") : chromaHeartbeat()
        async let agentCheck = agent()
        async let chatCheck = basicChat()
        return [
            "api_server": apiCheck(apiHealth), "mcp_server": await mcpCheck, "chromadb": await chromaCheck,
            "agent_system": await agentCheck, "basic_functionality": await chatCheck,
        ]
    }

    static func disabled(_ name: String) -> JSONValue {
        ["status": "degraded", "message": .string("\(name) is disabled on this server")]
    }

    func apiCheck(_ reply: JSONHTTPClient.Reply?) -> JSONValue {
        guard let reply else { return ["status": "unhealthy", "error": "API server not reachable"] }
        guard reply.status == 200 else { return ["status": "unhealthy", "error": .string("HTTP \(reply.status)")] }
        let healthy = reply.json?.objectValue?["healthy"] == .bool(true)
        return [
            "status": .string(healthy ? "healthy" : "degraded"), "status_code": 200,
            "reported_status": reply.json?.objectValue?["status"] ?? .null,
        ]
    }

    func simple(_ url: URL) async -> JSONValue {
        do {
            let reply = try await client.send("GET", url)
            return reply.status == 200
                ? ["status": "healthy", "status_code": 200]
                : ["status": "unhealthy", "status_code": .int(Int64(reply.status))]
        } catch {
            return ["status": "unhealthy", "error": .string("\(error)")]
        }
    }

    func chromaHeartbeat() async -> JSONValue {
        for path in ["api/v2/heartbeat", "api/v1/heartbeat"] {
            guard let reply = try? await client.send("GET", chroma.appendingPathComponent(path)) else { continue }
            if reply.status == 200, let beat = reply.json?.objectValue?["nanosecond heartbeat"] {
                return ["status": "healthy", "heartbeat": beat, "url": .string(chroma.absoluteString)]
            }
        }
        return ["status": "unhealthy", "error": .string("No heartbeat from \(chroma.absoluteString)")]
    }

    func agent() async -> JSONValue {
        guard let reply = try? await client.send("GET", api.appendingPathComponent("agent/status")) else {
            return ["status": "unhealthy", "error": "API server not reachable"]
        }
        let body = reply.json?.objectValue
        if reply.status == 200, body?["agent_initialized"] == .bool(true) {
            return ["status": "healthy", "tools_count": body?["tools_count"] ?? 0]
        }
        return [
            "status": .string(reply.status == 503 ? "degraded" : "unhealthy"), "status_code": .int(Int64(reply.status)),
        ]
    }

    /// A real research chat. Answered offline (no LLM key) or with a 503, it is degraded.
    func basicChat() async -> JSONValue {
        let url = api.appendingPathComponent("research/chat")
        guard
            let reply = try? await client.send(
                "POST", url, body: ["message": "health check test", "conversation_id": "thoth-health-check"])
        else {
            return ["status": "unhealthy", "error": "API server not reachable"]
        }
        switch reply.status {
        case 200:
            if reply.json?.objectValue?["model"]?.stringValue == "offline" {
                return ["status": "degraded", "message": "Answered offline: no language model configured or reachable"]
            }
            return ["status": "healthy", "status_code": 200]
        case 503: return ["status": "degraded", "status_code": 503, "error": .string(reply.message)]
        default:
            return ["status": "unhealthy", "status_code": .int(Int64(reply.status)), "error": .string(reply.message)]
        }
    }
}
