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
        } catch let error as ChromaHTTPError {
            return Self.response(error)
        } catch let error as VectorStoreError {
            if case .storage = error { context.logger.error("store failure: \(error)") }
            return Self.response(ChromaHTTPError(error))
        } catch let error as HTTPError {
            return Self.response(Self.translate(error))
        } catch {
            context.logger.error("unexpected failure: \(error)")
            return Self.response(ChromaHTTPError(.internalServerError, "InternalError", "\(error)"))
        }
    }

    static func response(_ error: ChromaHTTPError) -> Response {
        ChromaResponse.json(error.body, status: error.status)
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
