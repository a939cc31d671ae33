import Foundation
import Synchronization

/// Answers concurrent unfiltered searches of one collection together: a query that arrives
/// while a scan is running waits, and the next scan takes every waiting query in one pass
/// over the rows (leader/follower), so throughput grows with concurrency instead of queuing.
/// Callers hold the collection's read lock, so every query of a batch sees the same rows.
final class ScanBatcher: @unchecked Sendable {
    private final class Request {
        let queries: [(vector: [Float], k: Int)]
        var hits: [[ExactSearch.Hit]]?
        init(_ queries: [(vector: [Float], k: Int)]) { self.queries = queries }
    }

    /// Scans running in this process, over all collections: while none is, a search cannot
    /// have to wait, so async callers may run it on their own thread.
    static let running = Atomic<Int>(0)

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var waiting: [Request] = []
    private var scanning = false
    private var scans = 0, answered = 0
    /// Called by each leader before it scans (tests hold a scan open with it).
    var beforeScan: (() -> Void)?

    /// Scans run and queries they answered so far (more queries than scans: batches formed),
    /// and callers waiting for the next scan.
    var statistics: (scans: Int, queries: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (scans, answered, waiting.count)
    }

    /// The nearest rows for each prepared query, answered in this caller's scan or a batch
    /// another caller runs.
    func search(_ matrix: CollectionMatrix, queries: [(vector: [Float], k: Int)]) -> [[ExactSearch.Hit]] {
        let request = Request(queries)
        condition.lock()
        waiting.append(request)
        while scanning, request.hits == nil { condition.wait() }
        if let hits = request.hits {
            condition.unlock()
            return hits
        }
        scanning = true
        let batch = waiting
        waiting.removeAll()
        condition.unlock()

        beforeScan?()
        Self.running.add(1, ordering: .relaxed)
        let hits = TwoPassSearch.search(
            matrix, queries: batch.flatMap(\.queries), candidates: nil, threads: ExactSearch.threads
        ).hits
        Self.running.subtract(1, ordering: .relaxed)
        condition.lock()
        var start = 0
        for member in batch {
            member.hits = Array(hits[start..<start + member.queries.count])
            start += member.queries.count
        }
        scanning = false
        scans += 1
        answered += hits.count
        condition.broadcast()
        condition.unlock()
        return request.hits!
    }
}
