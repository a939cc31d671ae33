import Hummingbird

/// Refuses requests without good credentials. Added to the router group that holds the
/// protected routes, so a request is judged by the route it matched, never by its path's
/// spelling; open routes (health checks) are registered outside that group.
public struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let credentials: Credentials
    /// The listener's own error for a refusal (Chroma's shape on 8003, JSON on 8000 and 8001).
    let refusal: @Sendable (String) -> any Error

    public init(_ credentials: Credentials, refusal: @escaping @Sendable (String) -> any Error) {
        self.credentials = credentials
        self.refusal = refusal
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let reason = await credentials.rejection(of: request) { throw refusal(reason) }
        return try await next(request, context)
    }
}
