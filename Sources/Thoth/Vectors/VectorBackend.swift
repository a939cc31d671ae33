import JSON
import VectorStore

/// Where Thoth keeps its vectors: the embedded `VectorStore` (default) or a remote Chroma
/// server. Metadata and `where` filters use Chroma's JSON forms, which both understand.
public protocol VectorBackend: Sendable {
    /// `embedded (<path>)` or `remote (<url>)`, for status reports.
    var description: String { get }
    /// The collection named `name`, created (cosine space) when missing.
    func collection(named name: String) async throws -> VectorCollection
    /// The collection named `name`, or nil when it does not exist.
    func existingCollection(named name: String) async throws -> VectorCollection?
    func deleteCollection(named name: String) async throws
    func upsert(
        _ collection: VectorCollection, ids: [String], embeddings: [[Float]], documents: [String],
        metadatas: [JSONObject]) async throws
    func delete(_ collection: VectorCollection, ids: [String]) async throws
    /// The `k` nearest records to `embedding` among those matching `filter`, nearest first.
    func query(_ collection: VectorCollection, embedding: [Float], k: Int, where filter: JSONObject?) async throws
        -> [VectorHit]
    /// Every record's id and metadata (no documents, no embeddings).
    func metadatas(_ collection: VectorCollection) async throws -> [(id: String, metadata: JSONObject)]
    /// The records matching `filter` (all when nil), with documents, in insertion order (`distance` is 0).
    func records(_ collection: VectorCollection, where filter: JSONObject?) async throws -> [VectorHit]
    /// Every collection's name.
    func collectionNames() async throws -> [String]
    func count(_ collection: VectorCollection) async throws -> Int
    /// Throws when the backend cannot answer.
    func heartbeat() async throws
    /// Whether `search` (Chroma's Search API: sparse vectors, rank fusion) is served; a
    /// remote Chroma's local server does not serve it.
    var searchesWords: Bool { get }
    /// One search of Chroma's Search API.
    func search(_ collection: VectorCollection, _ plan: SearchPlan) async throws -> SearchPayloadResult
}

/// A collection as the backend knows it.
public struct VectorCollection: Sendable, Equatable {
    public let id: String
    public let name: String
    /// `cosine`, `l2` or `ip`.
    public let space: String

    public init(id: String, name: String, space: String) {
        self.id = id
        self.name = name
        self.space = space
    }

    /// A similarity where higher is better (1 for identical unit vectors), from the backend's distance.
    public func similarity(distance: Float) -> Double {
        switch space {
        case "l2": 1 - Double(distance) / 2  // squared L2 of unit vectors: 2 − 2·cos
        default: 1 - Double(distance)  // cosine and ip distances are 1 − cos / 1 − dot
        }
    }
}

/// One search result.
public struct VectorHit: Sendable {
    public let id: String
    public let document: String
    public let metadata: JSONObject
    public let distance: Float
}
