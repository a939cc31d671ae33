/// The answer to a get: columns aligned with `ids`; a column is nil when not included.
public struct GetResult: Sendable, Equatable {
    public var ids: [String] = []
    public var embeddings: [[Float]]?
    public var documents: [String?]?
    public var uris: [String?]?
    public var metadatas: [Metadata?]?
    public var include: Include

    public init(include: Include) {
        self.include = include
        if include.contains(.embeddings) { embeddings = [] }
        if include.contains(.documents) { documents = [] }
        if include.contains(.uris) { uris = [] }
        if include.contains(.metadatas) { metadatas = [] }
    }
}

/// The answer to a query: one `GetResult`-like entry per query embedding, nearest first.
public struct QueryResult: Sendable, Equatable {
    public var results: [GetResult]
    /// Distances per query, aligned with each result's ids; nil when not included.
    public var distances: [[Float]]?
    public var include: Include
}
