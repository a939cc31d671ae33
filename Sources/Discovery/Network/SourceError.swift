/// A service answered, but not with something usable: an HTTP error, or a body that is not
/// the service's format. The description names the service and what was wrong.
public struct SourceError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
