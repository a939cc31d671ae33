import HTTPTypes
import Hummingbird
import Thoth

/// With `THOTH_AUTH_ENABLED`, every request but the open paths (health checks, CORS preflight)
/// needs `Authorization: Bearer <HS256 JWT>`; anything else is answered 401.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AccessToken
    let openPaths: Set<String>

    public init(token: AccessToken, openPaths: Set<String>) {
        self.token = token
        self.openPaths = openPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        if request.method == .options || openPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer"]
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError(
                .unauthorized, "Authentication required: send Authorization: Bearer <token>", headers: challenge)
        }
        do {
            _ = try token.verify(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        } catch let error as ThothError {
            throw APIError(.unauthorized, error.message, headers: challenge)
        }
        return try await next(request, context)
    }
}
