import HTTPTypes
import Hummingbird

/// Requests that change state carry JSON or nothing: any other body is answered 415. Browsers
/// send `text/plain`, form and multipart bodies cross-site without asking (no CORS preflight);
/// JSON they send only after a preflight this server answers for allowed origins alone.
struct JSONBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if [.post, .put, .patch, .delete].contains(request.method),
            !(request.headers[.contentType].map(Self.isJSON) ?? !Self.hasBody(request))
        {
            throw APIError(.unsupportedMediaType, "Send the body as JSON, with Content-Type: application/json")
        }
        return try await next(request, context)
    }

    /// `application/json`, or any `…/…+json`, with or without parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let media =
            contentType.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces)
            .lowercased() ?? ""
        return media == "application/json" || (media.hasSuffix("+json") && media.contains("/"))
    }

    static func hasBody(_ request: Request) -> Bool {
        if request.headers[.transferEncoding] != nil { return true }
        return request.headers[.contentLength].flatMap { Int($0) }.map { $0 > 0 } ?? false
    }
}
