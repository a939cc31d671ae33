import HTTPTypes
import Hummingbird

/// CORS for a list of allowed origins (`THOTH_CORS_ALLOWED_ORIGINS`; `*` allows any). Hummingbird's
/// own middleware takes a fixed list only as variadic arguments, not a configured array.
/// Preflights from allowed origins are answered here; others get no CORS headers, so the
/// browser refuses them. Sits outside the error middleware, so errors carry the headers too.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>
    let allowMethods = "GET, POST, PUT, DELETE, OPTIONS"
    let allowHeaders = "Authorization, Content-Type, Accept, Origin, X-Requested-With"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin], allowedOrigins.contains("*") || allowedOrigins.contains(origin)
        else { return try await next(request, context) }
        var headers: HTTPFields = [
            .accessControlAllowOrigin: origin, .accessControlAllowCredentials: "true", .vary: "Origin",
        ]
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            headers[.accessControlAllowMethods] = allowMethods
            headers[.accessControlAllowHeaders] = allowHeaders
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
