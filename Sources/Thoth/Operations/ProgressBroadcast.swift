import JSON
import Synchronization

/// Fans progress events out to every listener (the `/ws/progress` sockets), in publication
/// order. A slow listener loses its oldest events rather than holding the sender up.
public final class ProgressBroadcast: Sendable {
    private let listeners = Mutex<(next: Int, all: [Int: AsyncStream<JSONValue>.Continuation])>((0, [:]))

    public init() {}

    /// A stream of every event published from now on; it ends when the caller stops iterating.
    public func subscribe() -> AsyncStream<JSONValue> {
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = listeners.withLock { state in
            defer { state.next += 1 }
            state.all[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in self?.listeners.withLock { _ = $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    public func publish(_ event: JSONValue) {
        listeners.withLock { state in
            for continuation in state.all.values { continuation.yield(event) }
        }
    }

    public var listenerCount: Int { listeners.withLock { $0.all.count } }
}
