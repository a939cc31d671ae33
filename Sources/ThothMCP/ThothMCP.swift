import Hummingbird
import NIOCore

/// The MCP listener (port 8001). Serves the original's `GET /health` answer; the tool
/// registry's JSON-RPC endpoint (`POST /mcp`) is added by the tools work.
public struct ThothMCP: Sendable {
    public init() {}

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: #"{"status":"ok","protocol":"MCP","version":"2025-06-18"}"#)))
        }
        return router
    }
}
