import Foundation

/// Answers kept for `ttl` seconds (`THOTH_CACHE_TTL`), at most `capacity` of them; the oldest
/// entry goes first when full. Used for LLM replies and query embeddings.
public actor ResponseCache<Value: Sendable> {
    private var entries: [String: (value: Value, expires: Date)] = [:]
    private var order: [String] = []
    let ttl: TimeInterval
    let capacity: Int

    public init(ttl: TimeInterval, capacity: Int) {
        self.ttl = ttl
        self.capacity = capacity
    }

    public var count: Int { entries.count }

    public func value(for key: String) -> Value? {
        guard let entry = entries[key] else { return nil }
        if entry.expires < Date() {
            entries[key] = nil
            return nil
        }
        return entry.value
    }

    public func store(_ value: Value, for key: String) {
        guard ttl > 0, capacity > 0 else { return }
        if entries[key] == nil { order.append(key) }
        entries[key] = (value, Date().addingTimeInterval(ttl))
        while entries.count > capacity, !order.isEmpty {
            entries[order.removeFirst()] = nil
        }
        if order.count > capacity * 2 { order = order.filter { entries[$0] != nil } }
    }

    /// The cached value, or `compute()`'s, which is then kept.
    public func value(for key: String, compute: @Sendable () async throws -> Value) async throws -> Value {
        if let cached = value(for: key) { return cached }
        let value = try await compute()
        store(value, for: key)
        return value
    }
}
