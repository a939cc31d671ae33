import JSON
import VectorStore

/// A collection as each client generation expects it (chroma-api.md §6.1, §9, §10.3).
enum CollectionJSON {
    static func encode(_ info: CollectionInfo, _ dialect: ClientDialect) -> JSONValue {
        let metadata: JSONValue = info.metadata.map { $0.json } ?? .null
        let dimension: JSONValue = info.dimension.map { .int(Int64($0)) } ?? .null
        switch dialect {
        case .requests:
            return [
                "name": .string(info.name), "id": .string(info.id), "metadata": metadata,
                "tenant": .string(info.tenant), "database": .string(info.database),
            ]
        case .legacy:
            return [
                "id": .string(info.id), "name": .string(info.name), "configuration_json": legacyConfiguration(info),
                "metadata": metadata, "dimension": dimension, "tenant": .string(info.tenant),
                "database": .string(info.database), "version": 0, "log_position": 0,
            ]
        case .current:
            return [
                "id": .string(info.id), "name": .string(info.name), "configuration_json": .object(info.configuration),
                "schema": .object(info.schema), "metadata": metadata, "dimension": dimension,
                "tenant": .string(info.tenant),
                "database": .string(info.database), "log_position": 0, "version": 0,
            ]
        }
    }

    /// 0.5.4–0.6.3 clients check `_type` markers and the exact types of every HNSW field.
    private static func legacyConfiguration(_ info: CollectionInfo) -> JSONValue {
        let hnsw = info.configuration["hnsw"]?.objectValue ?? JSONObject()
        func int(_ key: String, _ fallback: Int64) -> JSONValue { .int(hnsw[key]?.intValue ?? fallback) }
        return [
            "hnsw_configuration": [
                "space": .string(info.space.rawValue), "ef_construction": int("ef_construction", 100),
                "ef_search": int("ef_search", 100), "num_threads": int("num_threads", 1), "M": int("max_neighbors", 16),
                "resize_factor": .double(hnsw["resize_factor"]?.doubleValue ?? 1.2),
                "batch_size": int("batch_size", 100),
                "sync_threshold": int("sync_threshold", 1000), "_type": "HNSWConfigurationInternal",
            ],
            "_type": "CollectionConfigurationInternal",
        ]
    }
}
