import Hummingbird

/// Applies a `HostPolicy` to every request of the routes it is added to.
public struct HostPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HostPolicy
    /// The listener's own error for a refusal (status 403).
    let refusal: @Sendable (String) -> any Error

    public init(_ policy: HostPolicy, refusal: @escaping @Sendable (String) -> any Error) {
        self.policy = policy
        self.refusal = refusal
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let reason = policy.rejection(origin: request.headers[.origin], host: request.head.authority) {
            throw refusal(reason)
        }
        return try await next(request, context)
    }
}
