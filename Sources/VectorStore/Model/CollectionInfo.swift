import JSON

/// A collection as Chroma describes it.
public struct CollectionInfo: Sendable, Equatable {
    /// Lower-case UUID string.
    public let id: String
    public var name: String
    public let tenant: String
    public let database: String
    public var metadata: Metadata?
    /// Chroma 1.x `configuration_json`: `hnsw` parameters, `spann` (always null here) and the
    /// client's `embedding_function` echoed back. Search is exact whatever the parameters say.
    public var configuration: JSONObject
    /// Fixed by the first record written; nil while the collection is empty of vectors.
    public var dimension: Int?
    public let space: DistanceSpace
    /// Chroma's collection schema (see `CollectionSchema`): index settings per key and value type.
    public var schema: JSONObject
    /// Internal row key.
    let key: Int64
}

/// Resolves and updates Chroma's collection configuration (`configuration_json`).
enum CollectionConfiguration {
    static let hnswDefaults: [(String, JSONValue)] = [
        ("ef_construction", 100), ("ef_search", 100), ("max_neighbors", 16), ("resize_factor", 1.2),
        ("sync_threshold", 1000),
    ]
    /// Legacy `hnsw:*` metadata keys and the configuration keys they set.
    static let legacyMetadataKeys: [(String, String)] = [
        ("hnsw:construction_ef", "ef_construction"), ("hnsw:M", "max_neighbors"), ("hnsw:search_ef", "ef_search"),
        ("hnsw:num_threads", "num_threads"), ("hnsw:batch_size", "batch_size"),
        ("hnsw:sync_threshold", "sync_threshold"), ("hnsw:resize_factor", "resize_factor"),
    ]
    static let updatableHNSWKeys: Set<String> = [
        "ef_search", "num_threads", "batch_size", "sync_threshold", "resize_factor", "max_neighbors",
    ]

    /// The space and stored configuration for a new collection, by Chroma's precedence:
    /// `configuration.hnsw.space` (or `spann.space`), then metadata `hnsw:space`, then l2.
    static func resolve(
        configuration requested: JSONObject?, metadata: Metadata?
    ) throws(VectorStoreError) -> (DistanceSpace, JSONObject) {
        let requestedHNSW = requested?["hnsw"]?.objectValue
        let requestedSPANN = requested?["spann"]?.objectValue
        var space = DistanceSpace.l2
        if let name = requestedHNSW?["space"] ?? requestedSPANN?["space"], !name.isNull {
            guard let value = name.stringValue.flatMap(DistanceSpace.init(rawValue:)) else {
                throw .invalidArgument("Invalid configuration: unknown space \(JSONWriter.string(name))")
            }
            space = value
        } else if let name = metadata?["hnsw:space"] {
            guard case .string(let string) = name, let value = DistanceSpace(rawValue: string) else {
                throw .invalidArgument("Failed to parse hnsw parameters from segment metadata")
            }
            space = value
        }
        var hnsw = JSONObject([(key: "space", value: .string(space.rawValue))])
        for (key, value) in hnswDefaults { hnsw[key] = value }
        for (legacyKey, key) in legacyMetadataKeys {
            if let value = metadata?[legacyKey] { hnsw[key] = value.json }
        }
        for (key, value) in requestedHNSW ?? JSONObject() where key != "space" && !value.isNull {
            hnsw[key] = value
        }
        var configuration = JSONObject()
        configuration["hnsw"] = .object(hnsw)
        configuration["spann"] = .null
        configuration["embedding_function"] = requested?["embedding_function"] ?? .null
        return (space, configuration)
    }

    /// Applies a `new_configuration` from modify; the space cannot change.
    static func update(_ configuration: JSONObject, with change: JSONObject) throws(VectorStoreError) -> JSONObject {
        var result = configuration
        if let hnswChange = change["hnsw"]?.objectValue {
            var hnsw = result["hnsw"]?.objectValue ?? JSONObject()
            for (key, value) in hnswChange where !value.isNull {
                guard updatableHNSWKeys.contains(key) else {
                    throw .invalidArgument("Invalid configuration: hnsw parameter \(key) cannot be updated")
                }
                hnsw[key] = value
            }
            result["hnsw"] = .object(hnsw)
        }
        if let function = change["embedding_function"], !function.isNull {
            result["embedding_function"] = function
        }
        return result
    }
}
