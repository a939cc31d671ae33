/// Runs `body`, giving up with `ThothError.unavailable` after `seconds`.
func withTimeout<T: Sendable>(
    seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    // Clamped so that no number (inf, nan, 1e300) can trap the conversions below.
    let limit = seconds.isFinite ? min(max(seconds, 0), 1e7) : 1e7
    return try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(limit * 1000)))
            throw ThothError(.unavailable, "\(what) did not finish within \(Int64(limit)) s")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
