import Foundation
import Hummingbird
import JSON
import VectorStore

extension ChromaAPI {
    func heartbeat() -> Response {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        return ChromaResponse.json(["nanosecond heartbeat": .int(nanoseconds)])
    }

    func preFlightChecks(legacy: Bool) -> Response {
        var body: JSONValue = ["max_batch_size": .int(Int64(settings.maxBatchSize))]
        if !legacy, case .object(var object) = body {
            object["supports_base64_encoding"] = true
            body = .object(object)
        }
        return ChromaResponse.json(body)
    }

    func identity(_ request: Request) -> Response {
        var body: JSONValue = [
            "user_id": "", "tenant": .string(VectorStore.defaultTenant),
            "databases": [.string(VectorStore.defaultDatabase)],
        ]
        if ClientDialect(request).isLegacy, case .object(var object) = body {
            object["attributes"] = .null
            body = .object(object)
        }
        return ChromaResponse.json(body)
    }

    func reset() async throws -> Response {
        guard settings.allowReset else {
            throw ChromaHTTPError(.forbidden, "ChromaError", "Reset is disabled by config")
        }
        try await store.run { try store.reset() }
        return ChromaResponse.json(true)
    }
}
