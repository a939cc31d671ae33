/// Which fields a get or query returns besides the ids.
public struct Include: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let documents = Include(rawValue: 1)
    public static let embeddings = Include(rawValue: 2)
    public static let metadatas = Include(rawValue: 4)
    public static let uris = Include(rawValue: 8)
    public static let distances = Include(rawValue: 16)

    /// Chroma's default for get.
    public static let getDefault: Include = [.documents, .metadatas]
    /// Chroma's default for query.
    public static let queryDefault: Include = [.documents, .metadatas, .distances]

    /// Wire names in Chroma's order, as echoed back in `include`.
    public static let names: [(String, Include)] = [
        ("documents", .documents), ("embeddings", .embeddings), ("metadatas", .metadatas),
        ("uris", .uris), ("distances", .distances),
    ]
}
