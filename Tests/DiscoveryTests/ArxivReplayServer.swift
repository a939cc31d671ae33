import Foundation
import Hummingbird
import JSON
import NIOCore
import Synchronization

/// A real HTTP server on a free loopback port that answers arXiv's `/api/query` with recorded
/// responses (`Tests/Fixtures/discovery/arxiv`), one per request in order, and notes when each
/// request arrived.
final class ArxivReplayServer: Sendable {
    private let bodies: Mutex<[String]>
    let arrivals = Mutex<[(query: String, at: ContinuousClock.Instant)]>([])
    private let runtime = Mutex<(port: Int, task: Task<Void, any Error>?)>((0, nil))

    /// Replays the recordings named, in order (the last one again once they run out).
    init(recordings: [String]) throws {
        bodies = Mutex(try recordings.map(Self.recordedBody))
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/discovery/arxiv").standardizedFileURL

    /// The Atom body of one recording (`{url, status_code, body}`).
    static func recordedBody(_ name: String) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try JSONReader.parse(Array(data)).objectValue?["body"]?.stringValue ?? ""
    }

    func start() async throws {
        let router = Router()
        router.get("/api/query") { request, _ -> Response in
            self.arrivals.withLock { $0.append((request.uri.query ?? "", ContinuousClock.now)) }
            let body = self.bodies.withLock { $0.count > 1 ? $0.removeFirst() : $0.first ?? "" }
            return Response(
                status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.run() }
        for await port in ready.stream {
            runtime.withLock { $0 = (port, task) }
            break
        }
    }

    func stop() { runtime.withLock { $0.task?.cancel() } }

    var apiRoot: URL { URL(string: "http://127.0.0.1:\(runtime.withLock { $0.port })/api")! }
}
