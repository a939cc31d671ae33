/// Errors of the vector store. Each case corresponds to one of Chroma's error kinds, so an
/// HTTP adapter can map them one to one.
public enum VectorStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request is malformed or violates a rule (Chroma's `InvalidArgumentError`, 400).
    case invalidArgument(String)
    /// A tenant, database or collection does not exist (`NotFoundError`, 404).
    case notFound(String)
    /// A tenant, database or collection of that name already exists (409).
    case alreadyExists(String)
    /// SQLite failed underneath (500). Nothing was written.
    case storage(String)
    /// A query named record ids that do not exist; Chroma answers this with an `InternalError`
    /// (500), so clients see the same, though nothing failed underneath.
    case recordsNotFound(String)

    public var description: String {
        switch self {
        case .invalidArgument(let m), .notFound(let m), .alreadyExists(let m), .storage(let m),
            .recordsNotFound(let m):
            return m
        }
    }

    static let invalidWhere = VectorStoreError.invalidArgument("Invalid where clause")
    static let invalidWhereDocument = VectorStoreError.invalidArgument("Invalid where document clause")
}
