import Foundation
import Hummingbird
import JSON
import Logging
import Thoth

/// Thoth's REST API on port 8000: the routes the original's clients (the Obsidian plugin, the
/// health check, scripts) use, as thin adapters over `ThothServices`.
///
///     let api = ThothAPI(services: services, listeners: listeners)
///     let app = Application(router: api.router(), server: .http1WebSocketUpgrade(webSocketRouter: api.webSocketRouter()))
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

    /// Paths answered without a token and outside the concurrency limit.
    static let openPaths: Set<String> = ["/health", "/metrics"]

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let configuration = services.configuration
        router.add(middleware: CORSPolicyMiddleware(allowedOrigins: Set(configuration.corsAllowedOrigins)))
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware())
        if configuration.authEnabled, let secret = configuration.jwtSecret {
            router.add(middleware: BearerAuthMiddleware(token: AccessToken(secret: secret), openPaths: Self.openPaths))
        }
        router.add(middleware: ConcurrencyLimitMiddleware(limiter: limiter, exemptPaths: Self.openPaths))
        addHealthRoutes(to: router)
        addChatRoutes(to: router)
        addResearchRoutes(to: router)
        addCommandRoutes(to: router)
        addAgentRoutes(to: router)
        addOperationRoutes(to: router)
        addConfigRoutes(to: router)
        addMetricsRoutes(to: router)
        addOpenAPIRoutes(to: router)
        return router
    }
}
