import HTTPTypes
import Hummingbird
import JSON
import LLM
import Logging
import Thoth
import VectorStore

/// Every failure becomes a JSON answer with a fitting status; nothing escapes as a crash or an
/// HTML page. Unexpected errors are logged and answered 500.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let (status, message, headers) = Self.describe(error)
            if status == .internalServerError {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            }
            var response = JSONMessages.response(
                ["status": "error", "message": .string(message), "detail": .string(message)], status: status)
            response.headers.append(contentsOf: headers)
            return response
        }
    }

    static func describe(_ error: any Error) -> (HTTPResponse.Status, String, HTTPFields) {
        switch error {
        case let error as APIError: return (error.status, error.message, error.headers)
        case let error as ThothError:
            switch error.kind {
            case .invalidRequest: return (.badRequest, error.message, [:])
            case .notFound: return (.notFound, error.message, [:])
            case .unavailable: return (.serviceUnavailable, error.message, [:])
            }
        case let error as VectorStoreError:
            switch error {
            case .invalidArgument(let message): return (.badRequest, message, [:])
            case .notFound(let message): return (.notFound, message, [:])
            case .alreadyExists(let message): return (.conflict, message, [:])
            case .storage(let message): return (.internalServerError, message, [:])
            case .recordsNotFound(let message): return (.notFound, message, [:])
            }
        case let error as LLMError: return (.badGateway, error.message, [:])
        case let error as HTTPError:
            return (error.status, error.body ?? error.status.reasonPhrase, [:])
        default: return (.internalServerError, "Internal error: \(error)", [:])
        }
    }
}
