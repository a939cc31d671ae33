/// Runs `body`, giving up with `ThothError.unavailable` after `seconds`.
func withTimeout<T: Sendable>(
    seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw ThothError(.unavailable, "\(what) did not finish within \(Int(seconds)) s")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
