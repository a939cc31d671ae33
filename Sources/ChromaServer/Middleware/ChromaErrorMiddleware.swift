import HTTPTypes
import Hummingbird
import JSON
import Logging
import VectorStore

/// Turns every failure into Chroma's JSON error shape, so clients never see an empty or
/// non-JSON body.
struct ChromaErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let traceID = Self.newTraceID()
            let failure: ChromaHTTPError
            switch error {
            case let error as ChromaHTTPError: failure = error
            case let error as VectorStoreError:
                if case .storage = error { context.logger.error("store failure [\(traceID)]: \(error)") }
                failure = ChromaHTTPError(error)
            case let error as HTTPError: failure = Self.translate(error)
            default:
                context.logger.error("unexpected failure [\(traceID)]: \(error)")
                failure = ChromaHTTPError(.internalServerError, "InternalError", "\(error)")
            }
            context.logger.debug("\(failure.status.code) \(request.method) \(request.uri.path) [\(traceID)]")
            return Self.response(failure, traceID: traceID)
        }
    }

    /// Every error carries a `chroma-trace-id`, as Chroma's do (the client attaches it to the
    /// exception it raises). Chroma's local server sends zeros; ours is random, and logged with
    /// the error, so a user's report can be found in the log.
    static func response(_ error: ChromaHTTPError, traceID: String = newTraceID()) -> Response {
        var response = ChromaResponse.json(error.body, status: error.status)
        response.headers[HTTPField.Name("chroma-trace-id")!] = traceID
        return response
    }

    static func newTraceID() -> String {
        (0..<4).map { _ in
            let hex = String(UInt32.random(in: .min ... .max), radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    private static func translate(_ error: HTTPError) -> ChromaHTTPError {
        switch error.status {
        case .notFound: return .notFound("Not found")
        case .contentTooLarge: return ChromaHTTPError(.contentTooLarge, "ChromaError", "Request body is too large")
        case .methodNotAllowed: return ChromaHTTPError(.methodNotAllowed, "ChromaError", "Method not allowed")
        default: return ChromaHTTPError(error.status, "ChromaError", error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Builds JSON responses.
enum ChromaResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        bytes(JSONWriter.serialize(value), status: status)
    }

    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
