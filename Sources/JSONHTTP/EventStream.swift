import Foundation
import JSON

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One server-sent event (`text/event-stream`): its `event:` name, if any, and its `data:` lines.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String

    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

extension JSONHTTPClient {
    /// POSTs `body` to a server that answers with server-sent events (a chat model streaming its
    /// answer) and hands each event to `onEvent` as it arrives. 429 and 5xx answers are retried
    /// as `send` retries them; any other non-2xx answer is returned whole, for the caller to
    /// describe. Throws `JSONHTTPError` when the server cannot be reached or stops mid-stream.
    public func events(
        _ url: URL, body: JSONValue, onEvent: @Sendable (ServerSentEvent) async throws -> Void
    ) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        request.httpBody = Data(JSONWriter.serialize(body))
        var attempt = 0
        while true {
            let connection = StreamingConnection(request)
            do {
                let head = try await connection.response()
                let status = head.statusCode
                guard (200..<300).contains(status) else {
                    var body = Data()
                    for try await chunk in connection.chunks { body.append(chunk) }
                    if status == 429 || (500..<600).contains(status), attempt < maxRetries {
                        try await backoff(attempt, retryAfter: head.value(forHTTPHeaderField: "Retry-After"))
                        attempt += 1
                        continue
                    }
                    return Reply(
                        status: status, body: body, contentType: head.value(forHTTPHeaderField: "Content-Type"))
                }
                var parser = EventStreamParser()
                var chunks = connection.chunks.makeAsyncIterator()
                while true {
                    let chunk = try await chunks.next()
                    for event in chunk.map({ parser.feed($0) }) ?? parser.finish() {
                        do { try await onEvent(event) } catch { throw ListenerFailure(error: error) }
                    }
                    if chunk == nil { break }
                }
                return Reply(status: status, body: Data(), contentType: head.value(forHTTPHeaderField: "Content-Type"))
            } catch let failure as ListenerFailure {
                connection.cancel()
                throw failure.error
            } catch let error where !(error is CancellationError) && !(error is JSONHTTPError) {
                connection.cancel()
                let started = connection.hasResponded
                if !started, attempt < maxRetries, !Self.isTimeout(error) {
                    try await backoff(attempt, retryAfter: nil)
                    attempt += 1
                    continue
                }
                throw JSONHTTPError(url: url, reason: Self.isTimeout(error) ? "timed out" : error.localizedDescription)
            } catch {
                connection.cancel()
                throw error
            }
        }
    }
}

/// What the caller's `onEvent` threw, kept apart from the connection's own failures.
private struct ListenerFailure: Error {
    let error: any Error
}

/// Splits a byte stream into server-sent events: blank lines end an event, `data:` lines join
/// with newlines, `event:` names it, comments (`:`) and other fields are skipped.
struct EventStreamParser {
    private var pending = Data()
    private var event: String?
    private var data: [String] = []

    mutating func feed(_ chunk: Data) -> [ServerSentEvent] {
        pending.append(chunk)
        var events: [ServerSentEvent] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[pending.startIndex..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            pending = Data(pending[pending.index(after: newline)...])
            if let complete = take(String(decoding: line, as: UTF8.self)) { events.append(complete) }
        }
        return events
    }

    /// What a stream that ended without a final blank line still held.
    mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !pending.isEmpty, let last = take(String(decoding: pending, as: UTF8.self)) { events.append(last) }
        pending.removeAll()
        if let last = take("") { events.append(last) }
        return events
    }

    private mutating func take(_ line: String) -> ServerSentEvent? {
        if line.isEmpty {
            defer { (event, data) = (nil, []) }
            return data.isEmpty ? nil : ServerSentEvent(event: event, data: data.joined(separator: "\n"))
        }
        if line.hasPrefix(":") { return nil }
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        var value = parts.count > 1 ? String(parts[1]) : ""
        if value.hasPrefix(" ") { value.removeFirst() }
        switch parts[0] {
        case "data": data.append(value)
        case "event": event = value
        default: break
        }
        return nil
    }
}

/// One request whose body arrives piece by piece (URLSession's data delegate, which libcurl
/// drives on Linux): the response head first, then the chunks.
private final class StreamingConnection: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let chunks: AsyncThrowingStream<Data, any Error>
    private let sink: AsyncThrowingStream<Data, any Error>.Continuation
    private let lock = NSLock()
    private var head: Result<HTTPURLResponse, any Error>?
    private var waiting: CheckedContinuation<HTTPURLResponse, any Error>?
    private var session: URLSession?
    private var task: URLSessionDataTask?

    init(_ request: URLRequest) {
        (chunks, sink) = AsyncThrowingStream.makeStream(of: Data.self)
        super.init()
        let session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)
        let task = session.dataTask(with: request)
        self.session = session
        self.task = task
        sink.onTermination = { [weak self] _ in self?.cancel() }
        task.resume()
    }

    var hasResponded: Bool {
        lock.lock()
        defer { lock.unlock() }
        if case .success = head { return true }
        return false
    }

    func response() async throws -> HTTPURLResponse {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if let head {
                lock.unlock()
                continuation.resume(with: head)
            } else {
                waiting = continuation
                lock.unlock()
            }
        }
    }

    func cancel() {
        task?.cancel()
        session?.invalidateAndCancel()
    }

    private func settle(_ result: Result<HTTPURLResponse, any Error>) {
        lock.lock()
        guard head == nil else { return lock.unlock() }
        head = result
        let waiter = waiting
        waiting = nil
        lock.unlock()
        waiter?.resume(with: result)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse {
            settle(.success(http))
        } else {
            settle(.failure(URLError(.badServerResponse)))
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        sink.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            settle(.failure(error))
            sink.finish(throwing: error)
        } else {
            settle(.failure(URLError(.badServerResponse)))
            sink.finish()
        }
        session.finishTasksAndInvalidate()
    }
}
