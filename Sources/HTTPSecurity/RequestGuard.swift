import Hummingbird

/// Refuses the requests a check rejects, with the listener's own error (Chroma's shape on 8003,
/// JSON on 8000 and 8001). Added to the router group that holds the protected routes, so what
/// is guarded is decided by the route a request matched, never by its path's spelling; open
/// routes (health checks) are registered outside that group.
public struct RequestGuard<Context: RequestContext>: RouterMiddleware {
    let rejection: @Sendable (Request) async -> String?
    let refusal: @Sendable (String) -> any Error

    /// Requests without good credentials.
    public init(_ credentials: Credentials, refusal: @escaping @Sendable (String) -> any Error) {
        rejection = { await credentials.rejection(of: $0) }
        self.refusal = refusal
    }

    /// Requests from pages or host names the policy does not allow.
    public init(_ policy: HostPolicy, refusal: @escaping @Sendable (String) -> any Error) {
        rejection = { policy.rejection(origin: $0.headers[.origin], host: $0.head.authority) }
        self.refusal = refusal
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let reason = await rejection(request) { throw refusal(reason) }
        return try await next(request, context)
    }
}
