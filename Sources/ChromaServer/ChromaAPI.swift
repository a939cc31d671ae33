import Foundation
import HTTPSecurity
import HTTPTypes
import Hummingbird
import JSON
import Logging
import NIOCore
import VectorStore

/// Chroma's HTTP API (v2, and the legacy v1 of 0.4/0.5 clients) over a `VectorStore`.
/// Routing and wire formats only: every rule about data lives in the store.
///
///     let router = ChromaAPI(store: store, settings: .init()).router()
///     let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8003)))
public struct ChromaAPI: Sendable {
    public let store: VectorStore
    public let settings: ChromaServerSettings

    public init(store: VectorStore, settings: ChromaServerSettings) {
        self.store = store
        self.settings = settings
    }

    /// A router serving `/api/v2` and `/api/v1`. Heartbeat, version and healthcheck are open
    /// (Chroma's own ignore list); every other route is in a group behind the origin and host
    /// check and, when a token is configured, the token check.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ChromaErrorMiddleware())
        addOpenRoutes(to: router.group("api/v2"), version: "1.0.0")
        addOpenRoutes(to: router.group("api/v1"), version: "0.4.24")
        router.get("api/v2/healthcheck") { _, _ in
            ChromaResponse.json(["is_executor_ready": true, "is_log_client_ready": true])
        }
        let protected = router.group()
        protected.add(
            middleware: RequestGuard(
                HostPolicy(allowedOrigins: settings.allowedOrigins, bindHost: settings.bindHost),
                refusal: { ChromaHTTPError(.forbidden, "AuthorizationError", $0) }))
        if let token = settings.authToken {
            protected.add(
                middleware: RequestGuard(
                    .staticToken(token), refusal: { ChromaHTTPError(.unauthorized, "AuthorizationError", $0) }))
        }
        addV2Routes(to: protected)
        addV1Routes(to: protected)
        return router
    }

    /// Runs the server until SIGINT/SIGTERM, then finishes in-flight requests and returns.
    public func run(host: String, port: Int, logger: Logger) async throws {
        let app = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
            logger: logger)
        try await app.runService()
    }

    // MARK: - Request plumbing

    /// The request body, bounded by the configured limit. A body with an explicit non-JSON
    /// content type is refused as Chroma does; a missing content type is taken as JSON.
    func body(_ request: Request) async throws -> [UInt8] {
        if let type = request.headers[.contentType], !type.lowercased().contains("json") {
            throw ChromaHTTPError(
                .unsupportedMediaType, "ChromaError", "Expected request with `Content-Type: application/json`")
        }
        let limit = settings.maxBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ChromaHTTPError(.contentTooLarge, "ChromaError", "Request body exceeds the limit of \(limit) bytes")
        }
        return Array(buffer.readableBytesView)
    }

    func fields(_ request: Request) async throws -> WireFields {
        try WireFields(body: await body(request))
    }

    /// A path segment, percent-decoded (clients quote tenant, database and collection names).
    func parameter(_ context: BasicRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// A non-negative integer query parameter.
    func queryCount(_ request: Request, _ name: String) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw ChromaHTTPError.invalidArgument("Failed to deserialize query string: \(name): invalid value \(text)")
        }
        return value
    }
}
