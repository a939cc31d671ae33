import Foundation
import JSON
import JSONHTTP

/// Chroma's v2 HTTP API, spoken outward: what Thoth uses when `CHROMADB_URL` points at another
/// Chroma server (a real Chroma deployment, or `thoth chroma` on another machine).
///
///     let chroma = ChromaClient(baseURL: URL(string: "http://chroma:8000")!)
///     let collection = try await chroma.getOrCreateCollection("thoth_knowledge", metadata: ["hnsw:space": "cosine"])
public struct ChromaClient: Sendable {
    public let baseURL: URL
    public let tenant: String
    public let database: String
    let http: JSONHTTPClient

    public init(
        baseURL: URL, tenant: String = "default_tenant", database: String = "default_database", token: String? = nil,
        timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        self.tenant = tenant
        self.database = database
        var headers: [String: String] = [:]
        if let token, !token.isEmpty { headers["Authorization"] = "Bearer \(token)" }
        http = JSONHTTPClient(headers: headers, timeout: timeout, maxRetries: 2)
    }

    /// A collection as the server describes it.
    public struct Collection: Sendable {
        public let id: String
        public let name: String
        /// `l2`, `cosine` or `ip`, from the configuration or the legacy `hnsw:space` metadata key.
        public let space: String
    }

    /// One query's results, nearest first.
    public struct QueryRows: Sendable {
        public var ids: [String] = []
        public var documents: [String?] = []
        public var metadatas: [JSONObject?] = []
        public var distances: [Float] = []

        /// Rows from the wire's parallel columns; a missing entry is nil (a distance, 0).
        init(ids: [JSONValue], documents: [JSONValue], metadatas: [JSONValue], distances: [JSONValue]) {
            for (index, id) in ids.enumerated() {
                self.ids.append(id.stringValue ?? "")
                self.documents.append(index < documents.count ? documents[index].stringValue : nil)
                self.metadatas.append(index < metadatas.count ? metadatas[index].objectValue : nil)
                self.distances.append(index < distances.count ? Float(distances[index].doubleValue ?? 0) : 0)
            }
        }
    }

    public func heartbeat() async throws -> Int64 {
        let body = try await call("GET", "/api/v2/heartbeat")
        return body.objectValue?["nanosecond heartbeat"]?.intValue ?? 0
    }

    public func getOrCreateCollection(_ name: String, metadata: JSONObject) async throws -> Collection {
        try Self.collection(
            try await call(
                "POST", collectionsPath,
                body: ["name": .string(name), "metadata": .object(metadata), "get_or_create": true]))
    }

    /// The collection, or nil when the server says it does not exist.
    public func collection(named name: String) async throws -> Collection? {
        do {
            return try Self.collection(try await call("GET", collectionsPath + "/" + Self.segment(name)))
        } catch let error as ChromaClientError where error.status == 404 {
            return nil
        }
    }

    public func deleteCollection(named name: String) async throws {
        _ = try await call("DELETE", collectionsPath + "/" + Self.segment(name))
    }

    public func upsert(
        collectionID: String, ids: [String], embeddings: [[Float]], documents: [String], metadatas: [JSONObject]
    ) async throws {
        _ = try await call(
            "POST", collectionsPath + "/\(collectionID)/upsert",
            body: [
                "ids": .array(ids.map { .string($0) }),
                "embeddings": .array(embeddings.map { .array($0.map { .double(Double($0)) }) }),
                "documents": .array(documents.map { .string($0) }), "metadatas": .array(metadatas.map { .object($0) }),
            ])
    }

    public func delete(collectionID: String, ids: [String]) async throws {
        _ = try await call(
            "POST", collectionsPath + "/\(collectionID)/delete", body: ["ids": .array(ids.map { .string($0) })])
    }

    public func query(collectionID: String, embedding: [Float], nResults: Int, where filter: JSONObject?)
        async throws -> QueryRows
    {
        var body: JSONObject = [
            "query_embeddings": [.array(embedding.map { .double(Double($0)) })], "n_results": .int(Int64(nResults)),
            "include": ["documents", "metadatas", "distances"],
        ]
        if let filter { body["where"] = .object(filter) }
        let reply = try await call("POST", collectionsPath + "/\(collectionID)/query", body: .object(body))
        // Query answers hold one list per query embedding; there is one.
        let object = reply.objectValue ?? [:]
        func first(_ key: String) -> [JSONValue] { object[key]?.arrayValue?.first?.arrayValue ?? [] }
        return QueryRows(
            ids: first("ids"), documents: first("documents"), metadatas: first("metadatas"),
            distances: first("distances"))
    }

    /// Every record's id and metadata, read in pages.
    public func metadatas(collectionID: String, pageSize: Int = 1000) async throws -> [(
        id: String, metadata: JSONObject
    )] {
        var all: [(String, JSONObject)] = []
        while true {
            let reply = try await call(
                "POST", collectionsPath + "/\(collectionID)/get",
                body: ["include": ["metadatas"], "limit": .int(Int64(pageSize)), "offset": .int(Int64(all.count))])
            guard let object = reply.objectValue, case .array(let ids)? = object["ids"] else { break }
            let metadatas: [JSONValue]
            if case .array(let values)? = object["metadatas"] { metadatas = values } else { metadatas = [] }
            for (index, id) in ids.enumerated() {
                all.append((id.stringValue ?? "", index < metadatas.count ? metadatas[index].objectValue ?? [:] : [:]))
            }
            if ids.count < pageSize { break }
        }
        return all
    }

    /// The records matching `filter` (all when nil), with documents and metadata.
    public func get(collectionID: String, where filter: JSONObject?) async throws -> QueryRows {
        var body: JSONObject = ["include": ["documents", "metadatas"]]
        if let filter { body["where"] = .object(filter) }
        let reply = try await call("POST", collectionsPath + "/\(collectionID)/get", body: .object(body))
        let object = reply.objectValue ?? [:]
        return QueryRows(
            ids: object["ids"]?.arrayValue ?? [], documents: object["documents"]?.arrayValue ?? [],
            metadatas: object["metadatas"]?.arrayValue ?? [], distances: [])
    }

    public func collectionNames() async throws -> [String] {
        guard case .array(let items) = try await call("GET", collectionsPath) else { return [] }
        return items.compactMap { $0.objectValue?["name"]?.stringValue }
    }

    public func count(collectionID: String) async throws -> Int {
        Int(try await call("GET", collectionsPath + "/\(collectionID)/count").intValue ?? 0)
    }

    // MARK: - Plumbing

    private var collectionsPath: String {
        "/api/v2/tenants/\(Self.segment(tenant))/databases/\(Self.segment(database))/collections"
    }

    private static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? text
    }

    private func call(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
        guard let url = URL(string: baseURL.absoluteString.trimmingSuffix("/") + path) else {
            throw ChromaClientError(status: nil, message: "Invalid Chroma URL \(baseURL)\(path)")
        }
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await http.send(method, url, body: body)
        } catch let error as JSONHTTPError {
            throw ChromaClientError(status: nil, message: "Chroma at \(baseURL.absoluteString): \(error.reason)")
        }
        guard reply.isSuccess else {
            throw ChromaClientError(
                status: reply.status, message: "Chroma answered HTTP \(reply.status): \(reply.message)")
        }
        return reply.json ?? .null
    }

    private static func collection(_ json: JSONValue) throws -> Collection {
        guard let object = json.objectValue, let id = object["id"]?.stringValue, let name = object["name"]?.stringValue
        else { throw ChromaClientError(status: nil, message: "Chroma sent a malformed collection") }
        var space = object["metadata"]?.objectValue?["hnsw:space"]?.stringValue ?? "l2"
        for key in ["configuration_json", "configuration"] {
            if let configured = object[key]?.objectValue?["hnsw"]?.objectValue?["space"]?.stringValue {
                space = configured
            }
        }
        return Collection(id: id, name: name, space: space)
    }
}

/// A Chroma request that failed: the server's status (nil when unreachable) and its message.
public struct ChromaClientError: Error, Sendable, CustomStringConvertible {
    public let status: Int?
    public let message: String
    public var description: String { message }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
