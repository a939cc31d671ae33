import Foundation
import JSON

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Outbound JSON over HTTP (URLSession, libcurl on Linux), shared by every client that talks
/// to another server: embeddings, chat completions, a remote Chroma. 429 and 5xx answers and
/// connection failures are retried with exponential backoff, honouring `Retry-After`.
///
///     let client = JSONHTTPClient(headers: ["Authorization": "Bearer \(key)"])
///     let reply = try await client.send("POST", url, body: ["model": "m"])
public struct JSONHTTPClient: Sendable {
    public var headers: [String: String]
    public var timeout: TimeInterval
    public var maxRetries: Int
    /// First retry delay; doubles on each further retry.
    public var retryDelay: Duration

    public init(
        headers: [String: String] = [:], timeout: TimeInterval = 60, maxRetries: Int = 4,
        retryDelay: Duration = .milliseconds(500)
    ) {
        self.headers = headers
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.retryDelay = retryDelay
    }

    /// A finished exchange: any status, the body parsed when it is JSON.
    public struct Reply: Sendable {
        public let status: Int
        public let body: Data
        /// The `Content-Type` the server declared, if any.
        public var contentType: String? = nil
        public var json: JSONValue? { try? JSONReader.parse(Array(body)) }
        public var isSuccess: Bool { (200..<300).contains(status) }

        /// The server's own words: `error.message`, `error`, `message`, or the start of the body.
        public var message: String {
            if case .object(let object)? = json {
                if case .object(let error)? = object["error"], let text = error["message"]?.stringValue { return text }
                if let text = object["error"]?.stringValue ?? object["message"]?.stringValue { return text }
            }
            return String(decoding: body.prefix(500), as: UTF8.self)
        }
    }

    /// Sends one request; retries what is worth retrying, returns any other answer as it came.
    /// Throws `JSONHTTPError` only when the server could not be reached at all.
    public func send(_ method: String, _ url: URL, body: JSONValue? = nil) async throws -> Reply {
        try await send(method, url, data: body.map { Data(JSONWriter.serialize($0)) }, contentType: "application/json")
    }

    /// Sends a body of any type (a multipart upload, say), with the same retries.
    public func send(_ method: String, _ url: URL, data: Data?, contentType: String) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let data {
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = data
        }
        var attempt = 0
        while true {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let http = response as? HTTPURLResponse
                let status = http?.statusCode ?? 0
                if status == 429 || (500..<600).contains(status), attempt < maxRetries {
                    try await backoff(attempt, retryAfter: http?.value(forHTTPHeaderField: "Retry-After"))
                    attempt += 1
                    continue
                }
                return Reply(status: status, body: data, contentType: http?.value(forHTTPHeaderField: "Content-Type"))
            } catch let error where !(error is CancellationError) {
                if attempt < maxRetries, !Self.isTimeout(error) {
                    try await backoff(attempt, retryAfter: nil)
                    attempt += 1
                    continue
                }
                throw JSONHTTPError(url: url, reason: Self.isTimeout(error) ? "timed out" : error.localizedDescription)
            }
        }
    }

    func backoff(_ attempt: Int, retryAfter: String?) async throws {
        try await Task.sleep(for: RetryAfter.delay(retryAfter) ?? retryDelay * (1 << min(attempt, 10)))
    }

    static func isTimeout(_ error: any Error) -> Bool {
        (error as? URLError)?.code == .timedOut
    }
}

/// The server could not be reached (refused, unresolvable, timed out).
public struct JSONHTTPError: Error, Sendable, CustomStringConvertible {
    public let url: URL
    public let reason: String
    public var description: String { "Cannot reach \(url.absoluteString): \(reason)" }
}
