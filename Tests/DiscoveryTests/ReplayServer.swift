import Foundation
import Hummingbird
import JSON
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP server on a free loopback port that answers every GET and POST with what `answer`
/// returns for its path and query (recorded responses, mostly), and notes when each request
/// arrived and with which headers.
final class ReplayServer: Sendable {
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var contentType = "application/json"
        var headers: [String: String] = [:]
        var body: String
        /// Held back this long first (a slow or hung service).
        var delay: Duration = .zero
    }

    struct Arrival: Sendable {
        var path: String
        var query: String
        var userAgent: String
        var apiKey: String?
        var authorization: String?
        /// Every header, names lower-cased.
        var headers: [String: String] = [:]
        var body: String
        var at: ContinuousClock.Instant
    }

    let arrivals = Mutex<[Arrival]>([])
    private let answer: @Sendable (_ path: String, _ query: String, _ count: Int) -> Answer
    private let runtime = Mutex<(port: Int, group: ServiceGroup?)>((0, nil))

    /// `answer` gets the path, the query and how many requests came before this one.
    init(answer: @escaping @Sendable (_ path: String, _ query: String, _ count: Int) -> Answer) {
        self.answer = answer
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/discovery").standardizedFileURL

    /// The body of one recording (`{url, status_code, body}`), e.g. `"openalex/x.json"`.
    static func recorded(_ name: String) throws -> String {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try JSONReader.parse(Array(data)).objectValue?["body"]?.stringValue ?? ""
    }

    func start() async throws {
        let router = Router()
        let handle: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let path = request.uri.path
            let query = request.uri.query ?? ""
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let count = self.arrivals.withLock { arrivals in
                arrivals.append(
                    Arrival(
                        path: path, query: query, userAgent: request.headers[.userAgent] ?? "",
                        apiKey: HTTPFields.Element.Name("x-api-key").flatMap { request.headers[$0] },
                        authorization: request.headers[.authorization],
                        headers: Dictionary(
                            request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { a, _ in a }),
                        body: body,
                        at: .now))
                return arrivals.count - 1
            }
            let answer = self.answer(path, query, count)
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            var headers: HTTPFields = [.contentType: answer.contentType]
            for (name, value) in answer.headers {
                if let field = HTTPFields.Element.Name(name) { headers[field] = value }
            }
            return Response(
                status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body))
            )
        }
        router.get("**", use: handle)
        router.post("**", use: handle)
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
        Task { try await group.run() }
        for await port in ready.stream {
            runtime.withLock { $0 = (port, group) }
            break
        }
    }

    /// Shuts the server down gracefully: cancelling its task instead traps in NIO when a
    /// connection has been accepted but not yet served (apple/swift-nio#3481).
    func stop() {
        guard let group = runtime.withLock({ $0.group }) else { return }
        Task { await group.triggerGracefulShutdown() }
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(runtime.withLock { $0.port })\(path)")! }
}
