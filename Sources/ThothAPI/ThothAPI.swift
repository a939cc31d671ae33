import Foundation
import HTTPSecurity
import Hummingbird
import JSON
import Logging
import Thoth

/// Thoth's REST API on port 8000: the routes the original's clients (the Obsidian plugin, the
/// health check, scripts) use, as thin adapters over `ThothServices`.
///
///     let api = ThothAPI(services: services, listeners: listeners)
///     let app = Application(router: try api.router(), server: .http1WebSocketUpgrade(webSocketRouter: try api.webSocketRouter()))
public struct ThothAPI: Sendable {
    public let services: ThothServices
    public let listeners: Listeners
    let limiter: ConcurrencyLimiter
    let metrics: RequestMetrics

    public init(services: ThothServices, listeners: Listeners) {
        self.services = services
        self.listeners = listeners
        limiter = ConcurrencyLimiter(limit: services.configuration.maxConcurrentRequests)
        metrics = RequestMetrics()
    }

    /// Health checks, metrics and the console's static files are answered to anyone, outside
    /// the concurrency limit; every other route sits in one group behind the origin check,
    /// JSON-only bodies, the token check (when auth is on) and the limit, so what is protected
    /// is decided by the route matched.
    public func router() throws -> Router<BasicRequestContext> {
        let router = Router()
        let configuration = services.configuration
        router.add(middleware: CORSPolicyMiddleware(allowedOrigins: Set(configuration.corsAllowedOrigins)))
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware())
        addHealthRoutes(to: router)
        addMetricsRoutes(to: router)
        addConsoleRoutes(to: router)
        let protected = router.group()
        try Self.addGuards(to: protected, configuration, listener: listeners.api)
        protected.add(middleware: JSONBodyMiddleware())
        protected.add(middleware: ConcurrencyLimitMiddleware(limiter: limiter))
        addChatRoutes(to: protected)
        addResearchRoutes(to: protected)
        addCommandRoutes(to: protected)
        addAgentRoutes(to: protected)
        addOperationRoutes(to: protected)
        addPaperRoutes(to: protected)
        addCitationRoutes(to: protected)
        addMemoryRoutes(to: protected)
        addCollectionRoutes(to: protected)
        addLibraryRoutes(to: protected)
        addConfigRoutes(to: protected)
        addOpenAPIRoutes(to: protected)
        return router
    }

    /// The checks every protected route of a Thoth listener (8000, its WebSockets, 8001) makes:
    /// the page's origin and the host name, then the bearer token when auth is on.
    public static func addGuards<Context: RequestContext>(
        to routes: some RouterMethods<Context>, _ configuration: ThothConfiguration, listener: Listeners.Address?
    ) throws {
        routes.add(
            middleware: RequestGuard(
                HostPolicy(
                    allowedOrigins: configuration.corsAllowedOrigins + Self.trustedOrigins,
                    bindHost: listener?.host ?? "127.0.0.1"),
                refusal: { APIError(.forbidden, $0) }))
        if configuration.authEnabled, let secret = configuration.jwtSecret {
            routes.add(
                middleware: RequestGuard(
                    .accessToken(try AccessToken(secret: secret)),
                    refusal: { APIError(.unauthorized, $0, headers: [.wwwAuthenticate: "Bearer"]) }))
        }
    }

    /// The original's client, the Obsidian plugin, runs in a page of this origin.
    static let trustedOrigins = ["app://obsidian.md"]
}
