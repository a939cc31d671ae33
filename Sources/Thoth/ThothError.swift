/// A failure a client should hear about, with the HTTP status it maps to.
public struct ThothError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The request is wrong (400).
        case invalidRequest
        /// The thing asked for does not exist (404).
        case notFound
        /// A part Thoth needs is missing or down: no model files, remote store unreachable (503).
        case unavailable
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
