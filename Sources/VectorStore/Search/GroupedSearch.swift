import CScanKernels
import Dispatch
import Synchronization

/// The grouped variant of the first pass: rows reached through a `ClusterPartition`, nearest
/// groups first, instead of every row in order.
extension TwoPassSearch {
    /// A grouped search gives up before it reads more than this share of the rows: it reads them
    /// out of order, each a cache miss, where the plain pass streams them in order on every core
    /// — beyond this share the plain pass is faster.
    static let groupedShare = 0.1

    /// Grouped searches running in this process.
    private static let groupedSearches = Atomic<Int>(0)

    /// Each query of a batch through the groups nearest to it: the rows added since the
    /// grouping first, then groups in order of their lower bounds until one exceeds the k-th
    /// upper bound seen — every later group is as far or farther. A query that would read more
    /// than `groupedShare` of the rows gives up: its answer is nil, for the plain pass. Fewer
    /// queries than threads, and no other grouped search running: each query's groups are dealt
    /// out to several threads (under load, the other searches keep the cores busy).
    static func searchGroups(
        _ matrix: CollectionMatrix, _ queries: [Query], _ partition: ClusterPartition, threads: Int,
        share: Double = groupedShare
    ) -> (hits: [[Hit]?], bounded: [Int], rescored: [Int]) {
        // The codes follow the grouping's order whenever a collection has one (`order`).
        guard matrix.quantized.rowOf.count == matrix.count, partition.groupOf.count == matrix.count else {
            return (queries.map { _ in nil }, queries.map { _ in 0 }, queries.map { _ in 0 })
        }
        let running = groupedSearches.add(1, ordering: .relaxed).newValue
        defer { groupedSearches.subtract(1, ordering: .relaxed) }
        let job = GroupSearchJob(
            matrix: matrix, queries: queries, partition: partition, share: share,
            parts: running > 1 ? 1 : max(1, threads / max(1, queries.count)))
        let answers = perQuery(queries.count, threads: threads, job.run)
        for answer in answers { partition.verdict.record(gaveUp: answer.hits == nil) }
        return (answers.map(\.hits), answers.map(\.bounded), answers.map(\.rescored))
    }

    /// The first pass for one query over a run of slots, read in order block by block.
    static func firstPass(
        _ matrix: CollectionMatrix, _ query: Query, slots: Range<Int>, into survivors: inout Survivors
    ) {
        var one = [survivors]
        survivors = Survivors(k: 0)  // so that the pass extends `one`'s arrays in place
        firstPass(matrix, [query], slots: slots, into: &one)
        survivors = one[0]
    }

    /// One query of a batch through the groups; the matrix is read-only meanwhile.
    private struct GroupSearchJob: @unchecked Sendable {
        let matrix: CollectionMatrix
        let queries: [Query]
        let partition: ClusterPartition
        let share: Double
        /// Threads one query's groups are dealt out to.
        let parts: Int

        func run(_ index: Int) -> (hits: [Hit]?, rescored: Int, bounded: Int) {
            let query = queries[index]
            let bounds = partition.lowerBounds(query.vector, queryNorm: query.info.code.norm, space: matrix.space)
            if bounds.contains(where: { !$0.isFinite }) { return (nil, 0, 0) }
            let order = bounds.indices.sorted { bounds[$0] < bounds[$1] }
            let progress = Progress()
            let outcomes = TwoPassSearch.perQuery(parts, threads: parts) { [self] part in
                searchPart(part, of: index, bounds: bounds, order: order, progress: progress)
            }
            let bounded = outcomes.reduce(0) { $0 + $1.survivors.bounded }
            let parts = outcomes.map(\.survivors)
            guard outcomes.allSatisfy(\.finished), !parts.contains(where: \.unbounded) else { return (nil, 0, bounded) }
            let (hits, rescored) = TwoPassSearch.rescore(matrix, query, parts, threads: self.parts)
            return (hits, rescored, bounded)
        }

        /// Every `parts`-th group from `part` on in the order of their bounds (and as many of
        /// the rows added since the grouping): each thread meets near groups first. A part
        /// stops on the smallest k-th upper bound any part has seen, which is never below the
        /// whole query's, so what it skips the query could skip. Not `finished` when the parts
        /// together gave up.
        private func searchPart(_ part: Int, of index: Int, bounds: [Float], order: [Int], progress: Progress)
            -> (survivors: Survivors, finished: Bool)
        {
            let query = queries[index]
            var survivors = Survivors(k: query.k)
            // The rows added since the grouping: the slots after every group's.
            let grouped = partition.members.count, extras = partition.extras.count
            let shareOfExtras = grouped + extras * part / parts..<grouped + extras * (part + 1) / parts
            progress.rows.add(shareOfExtras.count, ordering: .relaxed)
            TwoPassSearch.firstPass(matrix, query, slots: shareOfExtras, into: &survivors)
            let budget = Int(Double(matrix.count) * share)
            for group in Swift.stride(from: part, to: order.count, by: parts).lazy.map({ order[$0] }) {
                // Not `>=`: a member at exactly the threshold could still win a tie.
                let threshold = parts == 1 ? survivors.upper.threshold : progress.tighten(survivors.upper.threshold)
                if bounds[group] > threshold { break }
                // Judged on the rows read, not on what the threshold so far predicts: the first
                // groups' int8 bounds leave it loose, and it tightens as nearer rows come in.
                let size = partition.size(of: group)
                if progress.rows.add(size, ordering: .relaxed).newValue > budget { return (survivors, false) }
                TwoPassSearch.firstPass(matrix, query, slots: partition.slots(of: group), into: &survivors)
            }
            return (survivors, true)
        }
    }
}

/// What the parts of one grouped search share: the rows they have read between them, and the
/// smallest k-th upper bound any of them has seen.
private final class Progress: Sendable {
    let rows = Atomic<Int>(0)
    private let threshold = Mutex<Float>(.infinity)

    /// Offers a part's k-th upper bound; the smallest offered yet.
    func tighten(_ offered: Float) -> Float {
        threshold.withLock { smallest in
            smallest = min(smallest, offered)
            return smallest
        }
    }
}
