import Synchronization

/// Whether a collection's groups are paying off, from the last 64 grouped searches: on data
/// whose groups prune little (real text embeddings can be such), a grouped search would read
/// most rows out of order, slower than the plain pass over all of them in order. Once most
/// recent searches gave up on the groups, searches go straight to the plain pass, and every
/// 16th still tries the groups, so the verdict follows the data and the queries as they change.
final class GroupingVerdict: Sendable {
    /// One bit per recent grouped search, newest lowest: 1 = it gave up on the groups.
    private let history = Atomic<UInt64>(0)
    private let asked = Atomic<UInt64>(0)

    /// Whether the next search should try the groups.
    func worthTrying() -> Bool {
        let gaveUp = history.load(ordering: .relaxed).nonzeroBitCount
        return gaveUp < 48 || asked.add(1, ordering: .relaxed).newValue % 16 == 0
    }

    /// Records how a grouped search ended.
    func record(gaveUp: Bool) {
        var current = history.load(ordering: .relaxed)
        while true {
            let next = current << 1 | (gaveUp ? 1 : 0)
            let (exchanged, original) = history.compareExchange(
                expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
