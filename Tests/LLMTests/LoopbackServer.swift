import Hummingbird
import ServiceLifecycle
import Synchronization

/// A router served on a free loopback port, as the tests' stand-ins for model providers run:
/// the client under test talks to it over TCP as to the real service.
final class LoopbackServer: Sendable {
    private let runtime = Mutex<(port: Int, group: ServiceGroup?)>((0, nil))

    var port: Int { runtime.withLock { $0.port } }

    /// Starts serving `router` and returns once the port is known.
    func start(_ router: Router<BasicRequestContext>) async {
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
        Task { try await group.run() }
        var iterator = ready.stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        runtime.withLock { $0 = (port, group) }
    }

    /// Shuts the server down gracefully: cancelling its task instead traps in NIO when a
    /// connection has been accepted but not yet served (apple/swift-nio#3481).
    func stop() {
        guard let group = runtime.withLock({ $0.group }) else { return }
        Task { await group.triggerGracefulShutdown() }
    }
}
