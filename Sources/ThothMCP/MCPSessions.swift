import Foundation
import JSON
import MCP
import Thoth

/// Streamable HTTP sessions: every `initialize` without a session starts a new one (an MCP
/// server and its transport), later requests go to their session by `Mcp-Session-Id`, `DELETE`
/// ends one, and sessions idle for `idleTimeout` are closed.
///
/// The SDK's transport keeps every message it sent, for resumption, until its session ends, so
/// a busy session grows without bound (12 MB a minute in the soak run). A session therefore
/// ends after `maxRequestsPerSession` requests, and beyond `maxSessions` the least recently used
/// one ends; the client gets 404 on its next request and, as the specification asks,
/// initializes again.
actor MCPSessions {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: Date
        var requests = 0
    }

    private let services: ThothServices
    private var sessions: [String: Session] = [:]
    /// Ended sessions whose last reply may still be on its way out.
    private var ending: [String: Server] = [:]
    let idleTimeout: TimeInterval = 3600
    let maxRequestsPerSession = 1000
    let maxSessions = 64

    init(services: ThothServices) { self.services = services }

    var count: Int { sessions.count }

    func handle(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        closeIdleSessions()
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id] else {
                return .error(statusCode: 404, .invalidRequest("Session not found or expired; initialize again"))
            }
            session.lastUsed = Date()
            session.requests += 1
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                sessions[id] = nil
                await session.server.stop()
            } else if session.requests >= maxRequestsPerSession {
                end(id)
            }
            return response
        }
        guard request.method.uppercased() == "POST", Self.isInitialize(request.body) else {
            return .error(
                statusCode: 400, .invalidRequest("Missing \(HTTPHeaderName.sessionID) header: initialize first"))
        }
        if sessions.count >= maxSessions, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            end(oldest.key)
        }
        let id = UUID().uuidString.lowercased()
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSessionID(id: id),
            // Origin, Host and the token are checked by the listener's guards before this.
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
                SessionValidator(),
            ]))
        let server = await ThothMCPServer.make(services)
        do {
            try await server.start(transport: transport)
        } catch {
            return .error(statusCode: 500, .internalError("Cannot start an MCP session: \(error)"))
        }
        sessions[id] = Session(server: server, transport: transport, lastUsed: Date())
        let response = await transport.handleRequest(request)
        if case .error = response {
            sessions[id] = nil
            await server.stop()
        }
        return response
    }

    /// Ends a session that may still be answering: its id is gone at once (the next request
    /// gets 404), its server stops once the reply in flight has surely been read (stopping at
    /// once cut that reply off: "No reply" in the soak run).
    private func end(_ id: String) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        ending[id] = session.server
        Task {
            try? await Task.sleep(for: .seconds(30))
            await self.finishEnding(id)
        }
    }

    private func finishEnding(_ id: String) async {
        await ending.removeValue(forKey: id)?.stop()
    }

    func closeAll() async {
        for server in ending.values { await server.stop() }
        ending.removeAll()
        for session in sessions.values { await session.server.stop() }
        sessions.removeAll()
    }

    private func closeIdleSessions() {
        let cutoff = Date().addingTimeInterval(-idleTimeout)
        for (id, session) in sessions where session.lastUsed < cutoff {
            sessions[id] = nil
            Task { await session.server.stop() }
        }
    }

    static func isInitialize(_ body: Data?) -> Bool {
        guard let body, case .object(let message)? = try? JSONReader.parse(Array(body)) else { return false }
        return message["method"]?.stringValue == "initialize"
    }

    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }
}
