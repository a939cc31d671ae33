import Foundation
import HTTPSecurity
import HTTPTypes
import Hummingbird
import JSON
import MCP
import NIOCore
import Thoth
import ThothAPI

/// The MCP listener (port 8001): streamable HTTP at `/mcp` (POST, GET, DELETE) with sessions,
/// bridged from Hummingbird into the MCP SDK's transport, and `GET /health`. POSTs are answered
/// with one JSON body (SSE for clients that accept only SSE); `GET` opens the SSE stream for
/// server-initiated messages.
public struct ThothMCP: Sendable {
    let services: ThothServices
    let sessions: MCPSessions
    /// Where it listens: a loopback listener also checks the `Host` header.
    let listener: Listeners.Address?

    public init(services: ThothServices, listener: Listeners.Address?) {
        self.services = services
        self.listener = listener
        sessions = MCPSessions(services: services)
    }

    public func router() throws -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: APIErrorMiddleware())
        router.get("/health") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(
                        string: #"{"status":"ok","protocol":"MCP","version":"\#(ThothMCPServer.protocolVersion)"}"#)))
        }
        let sessions = sessions
        // The MCP specification asks servers to validate Origin (DNS rebinding); the same
        // checks as the API's, from the same configuration.
        let protected = router.group()
        try ThothAPI.addGuards(to: protected, services.configuration, listener: listener)
        for method in [HTTPRequest.Method.post, .get, .delete] {
            protected.on("/mcp", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 16 << 20)
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName] = field.value }
                // A POST is answered with its JSON-RPC reply as one JSON body whenever the client
                // accepts JSON (every tool call here is request → reply, and the Swift SDK's client
                // cannot read SSE on Linux); clients that accept only SSE get the SDK's SSE stream.
                let accept = request.headers[.accept] ?? ""
                let wantsJSONOnly =
                    method == .post && (accept.contains("application/json") || !accept.contains("text/event-stream"))
                if method == .post {
                    headers = headers.filter { $0.key.lowercased() != "accept" }
                    headers["Accept"] = "application/json, text/event-stream"
                }
                let reply = await sessions.handle(
                    MCP.HTTPRequest(
                        method: request.method.rawValue, headers: headers,
                        body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil, path: request.uri.path))
                return await Self.response(reply, jsonOnly: wantsJSONOnly)
            }
        }
        return router
    }

    /// Ends every session (at shutdown).
    public func close() async { await sessions.closeAll() }

    static func response(_ reply: MCP.HTTPResponse, jsonOnly: Bool) async -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let status = HTTPResponse.Status(code: reply.statusCode)
        guard case .stream(let stream, _) = reply else {
            let body = reply.bodyData.map { ByteBuffer(bytes: $0) } ?? ByteBuffer()
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
        }
        if jsonOnly {
            headers[.contentType] = "application/json"
            let message = await firstMessage(stream)
            return Response(
                status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: message)))
        }
        return Response(
            status: status, headers: headers, body: ResponseBody(asyncSequence: stream.map { ByteBuffer(bytes: $0) }))
    }

    /// The JSON-RPC message of an SSE stream: the first `data:` line that holds an object.
    static func firstMessage(_ stream: AsyncThrowingStream<Data, any Error>) async -> [UInt8] {
        var pending = ""
        do {
            for try await chunk in stream {
                pending += String(decoding: chunk, as: UTF8.self)
                for line in pending.split(separator: "\n") where line.hasPrefix("data:") {
                    let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    if payload.hasPrefix("{") { return Array(payload.utf8) }
                }
            }
        } catch {}
        return Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"No reply"}}"#.utf8)
    }
}

/// MCP over standard input and output (`thoth mcp stdio`).
public enum ThothMCPStdio {
    /// Starts serving; `waitUntilCompleted()` on the result returns when the client hangs up.
    public static func start(_ services: ThothServices) async -> Server {
        let server = await ThothMCPServer.make(services)
        do {
            try await server.start(transport: StdioTransport())
        } catch {
            FileHandle.standardError.write(Data("Cannot start MCP over stdio: \(error)\n".utf8))
        }
        return server
    }
}
