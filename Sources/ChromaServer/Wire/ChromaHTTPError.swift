import HTTPTypes
import JSON
import VectorStore

/// An error as Chroma puts it on the wire: `{"error": name, "message": text}` with a status.
/// Python clients pick the exception class from `error`, JavaScript clients from the status.
public struct ChromaHTTPError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let name: String
    public let message: String

    public init(_ status: HTTPResponse.Status, _ name: String, _ message: String) {
        self.status = status
        self.name = name
        self.message = message
    }

    static func invalidArgument(_ message: String) -> ChromaHTTPError {
        ChromaHTTPError(.badRequest, "InvalidArgumentError", message)
    }

    /// Valid JSON of the wrong shape (Chroma answers 422).
    static func unprocessable(_ message: String) -> ChromaHTTPError {
        ChromaHTTPError(
            .unprocessableContent, "ChromaError", "Failed to deserialize the JSON body into the target type: \(message)"
        )
    }

    static func notFound(_ message: String) -> ChromaHTTPError {
        ChromaHTTPError(.notFound, "NotFoundError", message)
    }

    init(_ error: VectorStoreError) {
        switch error {
        case .invalidArgument(let message): self = .invalidArgument(message)
        case .notFound(let message): self = .notFound(message)
        case .alreadyExists(let message): self.init(.conflict, "UniqueConstraintError", message)
        case .storage(let message), .recordsNotFound(let message):
            self.init(.internalServerError, "InternalError", message)
        }
    }

    var body: JSONValue { ["error": .string(name), "message": .string(message)] }
}
