/// One request at a time to a service, each sent at least `interval` after the previous one's
/// answer arrived (arXiv asks for 3 s, PubMed for a third of a second). Counting from the
/// answer, not from the send, keeps the gaps the service sees at least `interval` whatever
/// the network's delays.
public actor RequestSpacing {
    public let interval: Duration
    private var next = ContinuousClock.now
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(interval: Duration) { self.interval = interval }

    /// Runs `request` in its turn.
    public func perform<T: Sendable>(_ request: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        do {
            try await Task.sleep(until: next, clock: .continuous)
            let result = try await request()
            finish()
            return result
        } catch {
            finish()
            throw error
        }
    }

    /// Marks the answer's arrival and hands the turn to the next caller.
    private func finish() {
        next = ContinuousClock.now + interval
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
