import Hummingbird
import Synchronization

/// A router served on a free loopback port, as the tests' stand-ins for model providers run:
/// the client under test talks to it over TCP as to the real service.
final class LoopbackServer: Sendable {
    private let runtime = Mutex<(port: Int, task: Task<Void, any Error>?)>((0, nil))

    var port: Int { runtime.withLock { $0.port } }

    /// Starts serving `router` and returns once the port is known.
    func start(_ router: Router<BasicRequestContext>) async {
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.run() }
        var iterator = ready.stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        runtime.withLock { $0 = (port, task) }
    }

    func stop() { runtime.withLock { $0.task?.cancel() } }
}
