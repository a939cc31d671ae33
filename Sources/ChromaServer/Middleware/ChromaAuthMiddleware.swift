import HTTPTypes
import Hummingbird

/// Chroma's static token auth: `Authorization: Bearer <token>` or `X-Chroma-Token: <token>`.
/// Heartbeats stay open so health checks work without credentials.
struct ChromaAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    static var chromaTokenHeader: HTTPField.Name { HTTPField.Name("X-Chroma-Token")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        let open =
            path == "/api/v2" || path == "/api/v1" || path.hasSuffix("/heartbeat") || path.hasSuffix("/healthcheck")
        if open || request.headers[Self.chromaTokenHeader] == token
            || request.headers[.authorization] == "Bearer \(token)"
        {
            return try await next(request, context)
        }
        throw ChromaHTTPError(.unauthorized, "AuthorizationError", "Unauthorized: a valid token is required")
    }
}
