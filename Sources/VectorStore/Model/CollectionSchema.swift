import Foundation
import JSON

/// Chroma's collection schema (1.2+): per value type, which indexes exist, as `defaults` for
/// every key and per-key overrides in `keys`, with the reserved keys `#document` (full-text
/// search) and `#embedding` (the vector index, mirroring the collection's configuration).
/// Keys are discovered as records are written; a `where` on a key whose index is disabled, or a
/// `where_document` with full-text search disabled, is refused as Chroma refuses it.
public enum CollectionSchema {
    /// Metadata value types as the schema names them, and as Chroma's errors name them.
    enum ValueType: String, CaseIterable {
        case string, int, float, bool

        var indexName: String { "\(rawValue)_inverted_index" }
        var errorName: String {
            switch self {
            case .string: "Str"
            case .int: "Int"
            case .float: "Float"
            case .bool: "Bool"
            }
        }

        init?(_ value: MetadataValue) {
            switch value {
            case .string: self = .string
            case .int: self = .int
            case .double: self = .float
            case .bool: self = .bool
            case .array(let items):
                guard let first = items.first, let type = ValueType(first) else { return nil }
                self = type
            case .sparseVector: return nil
            }
        }
    }

    private static func index(_ enabled: Bool, _ config: JSONObject = [:]) -> JSONValue {
        ["enabled": .bool(enabled), "config": .object(config)]
    }

    /// The schema Chroma resolves for a collection created without one: inverted indexes on,
    /// full-text search on `#document` only, the vector index on `#embedding` from the configuration.
    static func defaults(configuration: JSONObject, space: DistanceSpace) -> JSONObject {
        let vector = vectorConfig(configuration: configuration, space: space)
        var sourced = vector
        sourced["source_key"] = "#document"
        return [
            "defaults": [
                "string": ["fts_index": index(false), "string_inverted_index": index(true)],
                "float_list": ["vector_index": index(false, vector)],
                "sparse_vector": [
                    "sparse_vector_index": index(false, ["embedding_function": ["type": "unknown"], "bm25": false])
                ],
                "int": ["int_inverted_index": index(true)], "float": ["float_inverted_index": index(true)],
                "bool": ["bool_inverted_index": index(true)],
            ],
            "keys": [
                "#document": ["string": ["fts_index": index(true), "string_inverted_index": index(false)]],
                "#embedding": ["float_list": ["vector_index": index(true, sourced)]],
            ],
        ]
    }

    /// The vector index's config as Chroma derives it from `configuration_json`.
    static func vectorConfig(configuration: JSONObject, space: DistanceSpace) -> JSONObject {
        let hnsw = configuration["hnsw"]?.objectValue ?? [:]
        func value(_ key: String, _ fallback: JSONValue) -> JSONValue { hnsw[key] ?? fallback }
        var config: JSONObject = [
            "space": .string(space.rawValue),
            "hnsw": [
                "ef_construction": value("ef_construction", 100), "max_neighbors": value("max_neighbors", 16),
                "ef_search": value("ef_search", 100),
                "num_threads": value("num_threads", .int(Int64(ProcessInfo.processInfo.activeProcessorCount))),
                "batch_size": value("batch_size", 100), "sync_threshold": value("sync_threshold", 1000),
                "resize_factor": value("resize_factor", 1.2),
            ],
        ]
        if let function = configuration["embedding_function"], !function.isNull {
            config["embedding_function"] = function
        }
        return config
    }

    /// The schema of a new collection: the client's, laid over the defaults, or the defaults.
    /// Also returns the space the client's vector index asks for, if any.
    static func resolve(
        requested: JSONObject?, configuration requestedConfiguration: JSONObject?, resolvedConfiguration: JSONObject,
        space: DistanceSpace
    ) throws(VectorStoreError) -> (schema: JSONObject, space: DistanceSpace?) {
        var schema = defaults(configuration: resolvedConfiguration, space: space)
        guard let requested else { return (schema, nil) }
        // Chroma refuses to reconcile two sources of truth for the vector index.
        for key in ["hnsw", "spann"] where requestedConfiguration?[key].map({ !$0.isNull }) == true {
            throw .invalidArgument(
                "Failed to reconcile schema: Cannot set both collection config and schema simultaneously")
        }
        for section in ["defaults", "keys"] {
            guard let incoming = requested[section]?.objectValue else { continue }
            var merged = schema[section]?.objectValue ?? [:]
            if section == "defaults" {
                for (type, indexes) in incoming { merged[type] = .object(overlay(merged[type], indexes)) }
            } else {
                for (key, types) in incoming {
                    var byType = merged[key]?.objectValue ?? [:]
                    for (type, indexes) in types.objectValue ?? [:] {
                        byType[type] = .object(overlay(byType[type], indexes))
                    }
                    merged[key] = .object(byType)
                }
            }
            schema[section] = .object(merged)
        }
        // Chroma's local server refuses sparse indexes; this one serves them (the Search API's
        // sparse `$knn`), one per collection as Chroma Cloud allows, never on the defaults.
        if enabledSparseIndexKeys(schema).count > 1 {
            throw .invalidArgument(
                "Failed to reconcile schema: Invalid schema input: Only one sparse vector index is allowed per collection"
            )
        }
        if schema["defaults"]?.objectValue?["sparse_vector"]?.objectValue?["sparse_vector_index"]?.objectValue?[
            "enabled"] == .bool(true)
        {
            throw .invalidArgument(
                "Failed to reconcile schema: Invalid schema input: A sparse vector index is enabled on a key, not on the defaults"
            )
        }
        let vector = schema["keys"]?.objectValue?["#embedding"]?.objectValue?["float_list"]?.objectValue?[
            "vector_index"]?.objectValue?["config"]?.objectValue
        let requestedSpace = vector?["space"]?.stringValue.flatMap(DistanceSpace.init(rawValue:))
        // As Chroma does, the vector index settings are the configuration's, whatever the
        // client's schema said of hnsw or the embedding function; only the space is taken.
        schema = updatingVectorIndex(schema, configuration: resolvedConfiguration, space: requestedSpace ?? space)
        return (schema, requestedSpace)
    }

    /// Index settings of `incoming` over `base`, index by index.
    private static func overlay(_ base: JSONValue?, _ incoming: JSONValue) -> JSONObject {
        var result = base?.objectValue ?? [:]
        for (name, setting) in incoming.objectValue ?? [:] {
            var merged = result[name]?.objectValue ?? [:]
            for (field, value) in setting.objectValue ?? [:] where !value.isNull { merged[field] = value }
            if merged["config"] == nil { merged["config"] = .object([:]) }
            result[name] = .object(merged)
        }
        return result
    }

    /// Metadata keys with an enabled sparse vector index.
    private static func enabledSparseIndexKeys(_ schema: JSONObject) -> [String] {
        (schema["keys"]?.objectValue ?? [:]).compactMap { key, byType in
            sparseIndex(byType)?["enabled"] == .bool(true) ? key : nil
        }
    }

    private static func sparseIndex(_ byType: JSONValue) -> JSONObject? {
        byType.objectValue?["sparse_vector"]?.objectValue?["sparse_vector_index"]?.objectValue
    }

    /// Whether sparse searches on `key` weight the query by inverse document frequency: the
    /// key's sparse index says `bm25: true` (the client's BM25 function sends term weights only).
    static func weighsByIDF(_ schema: JSONObject, key: String) -> Bool {
        guard let index = schema["keys"]?.objectValue?[key].flatMap(sparseIndex), index["enabled"] == .bool(true)
        else { return false }
        return index["config"]?.objectValue?["bm25"] == .bool(true)
    }

    /// Adds to `keys` every metadata key and value type the records bring that it lacks, with
    /// the default index settings of that type. Returns whether anything was added.
    static func discover(_ schema: inout JSONObject, metadatas: [MetadataPatch?]) -> Bool {
        var keys = schema["keys"]?.objectValue ?? [:]
        let defaults = schema["defaults"]?.objectValue ?? [:]
        var changed = false
        for metadata in metadatas {
            for (key, value) in metadata ?? [:] {
                guard let value, let type = ValueType(value) else { continue }
                var byType = keys[key]?.objectValue ?? [:]
                guard byType[type.rawValue] == nil else { continue }
                byType[type.rawValue] = defaults[type.rawValue] ?? .object([type.indexName: index(true)])
                keys[key] = .object(byType)
                changed = true
            }
        }
        if changed { schema["keys"] = .object(keys) }
        return changed
    }

    /// The vector index settings after a configuration change (`modify(configuration=…)`).
    static func updatingVectorIndex(_ schema: JSONObject, configuration: JSONObject, space: DistanceSpace) -> JSONObject
    {
        var schema = schema
        let vector = vectorConfig(configuration: configuration, space: space)
        if var defaults = schema["defaults"]?.objectValue, var list = defaults["float_list"]?.objectValue,
            var index = list["vector_index"]?.objectValue
        {
            index["config"] = .object(vector)
            list["vector_index"] = .object(index)
            defaults["float_list"] = .object(list)
            schema["defaults"] = .object(defaults)
        }
        if var keys = schema["keys"]?.objectValue, var embedding = keys["#embedding"]?.objectValue,
            var list = embedding["float_list"]?.objectValue, var index = list["vector_index"]?.objectValue
        {
            var sourced = vector
            sourced["source_key"] = index["config"]?.objectValue?["source_key"] ?? "#document"
            index["config"] = .object(sourced)
            list["vector_index"] = .object(index)
            embedding["float_list"] = .object(list)
            keys["#embedding"] = .object(embedding)
            schema["keys"] = .object(keys)
        }
        return schema
    }

    /// Refuses filters that need an index the schema disables.
    static func check(_ schema: JSONObject, where filter: Where?, whereDocument: WhereDocument?)
        throws(VectorStoreError)
    {
        if whereDocument != nil { try checkFullText(schema) }
        if let filter { try check(schema, filter) }
    }

    private static func check(_ schema: JSONObject, _ filter: Where) throws(VectorStoreError) {
        switch filter {
        case .and(let clauses), .or(let clauses):
            for clause in clauses { try check(schema, clause) }
        case .compare(let key, _, let value), .arrayContains(let key, let value, _):
            try checkIndexed(schema, key, value)
        case .member(let key, let values, _):
            for value in values { try checkIndexed(schema, key, value) }
        case .document:
            try checkFullText(schema)
        case .ids: break
        }
    }

    private static func checkIndexed(_ schema: JSONObject, _ key: String, _ value: MetadataValue)
        throws(VectorStoreError)
    {
        guard let type = ValueType(value) else { return }
        let setting =
            schema["keys"]?.objectValue?[key]?.objectValue?[type.rawValue]?.objectValue?[type.indexName]
            ?? schema["defaults"]?.objectValue?[type.rawValue]?.objectValue?[type.indexName]
        if setting?.objectValue?["enabled"] == .bool(false) {
            throw .invalidArgument(
                "Cannot filter using metadata key '\(key)' with type '\(type.errorName)' because indexing is disabled")
        }
    }

    private static func checkFullText(_ schema: JSONObject) throws(VectorStoreError) {
        let setting = schema["keys"]?.objectValue?["#document"]?.objectValue?["string"]?.objectValue?["fts_index"]
        if setting?.objectValue?["enabled"] == .bool(false) {
            throw .invalidArgument("Cannot filter using full-text search because FTS indexing is disabled")
        }
    }
}
