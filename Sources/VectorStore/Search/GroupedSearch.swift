import CScanKernels
import Dispatch

/// The grouped variant of the first pass: rows reached through a `ClusterPartition`, nearest
/// groups first, instead of every row in order.
extension TwoPassSearch {
    /// A grouped search gives up before it reads more than this share of the rows: it reads them
    /// out of order, each a cache miss, where the plain pass streams them in order on every core
    /// — beyond this share the plain pass is faster.
    static let groupedShare = 0.1

    /// Each query of a batch through the groups nearest to it: the rows added since the
    /// grouping first, then groups in order of their lower bounds until one exceeds the k-th
    /// upper bound seen — every later group is as far or farther. A query that would read more
    /// than `groupedShare` of the rows gives up: its answer is nil, for the plain pass.
    static func searchGroups(
        _ matrix: CollectionMatrix, _ queries: [Query], _ partition: ClusterPartition, threads: Int,
        share: Double = groupedShare
    ) -> (hits: [[Hit]?], bounded: [Int], rescored: [Int]) {
        let job = GroupSearchJob(matrix: matrix, queries: queries, partition: partition, share: share)
        let answers = perQuery(queries.count, threads: threads, job.run)
        for answer in answers { partition.verdict.record(gaveUp: answer.hits == nil) }
        return (answers.map(\.hits), answers.map(\.bounded), answers.map(\.rescored))
    }

    /// The first pass for one query over scattered rows (ascending), read in place block by block.
    static func firstPass(
        _ matrix: CollectionMatrix, _ query: Query, rows: ArraySlice<Int32>, into survivors: inout Survivors
    ) {
        let stride = matrix.quantized.stride
        BlockBuffers.with { buffers in
            matrix.quantized.codes.withUnsafeBufferPointer { codes in
                matrix.quantized.rows.withUnsafeBufferPointer { meta in
                    rows.withUnsafeBufferPointer { index in
                        for start in Swift.stride(from: 0, to: index.count, by: blockRows) {
                            survivors.bound(
                                query, codes.baseAddress!, meta.baseAddress!, index: index.baseAddress! + start,
                                count: min(blockRows, index.count - start), stride: stride, buffers
                            ) { index[start + $0] }
                        }
                    }
                }
            }
        }
    }

    /// One query of a batch through the groups; the matrix is read-only meanwhile.
    private struct GroupSearchJob: @unchecked Sendable {
        let matrix: CollectionMatrix
        let queries: [Query]
        let partition: ClusterPartition
        let share: Double

        func run(_ index: Int) -> (hits: [Hit]?, rescored: Int, bounded: Int) {
            let query = queries[index]
            var survivors = Survivors(k: query.k)
            TwoPassSearch.firstPass(matrix, query, rows: partition.extras[...], into: &survivors)
            let bounds = partition.lowerBounds(query.vector, queryNorm: query.info.code.norm, space: matrix.space)
            if bounds.contains(where: { !$0.isFinite }) { return (nil, 0, survivors.bounded) }
            let order = bounds.indices.sorted { bounds[$0] < bounds[$1] }
            let budget = Int(Double(matrix.count) * share)
            for group in order {
                // Not `>=`: a member at exactly the threshold could still win a tie.
                if bounds[group] > survivors.upper.threshold { break }
                // Judged on the rows read, not on what the threshold so far predicts: the first
                // groups' int8 bounds leave it loose, and it tightens as nearer rows come in.
                if survivors.bounded + partition.size(of: group) > budget { return (nil, 0, survivors.bounded) }
                TwoPassSearch.firstPass(matrix, query, rows: partition.members(of: group), into: &survivors)
            }
            if survivors.unbounded { return (nil, 0, survivors.bounded) }
            let (hits, rescored) = TwoPassSearch.rescore(matrix, query, [survivors])
            return (hits, rescored, survivors.bounded)
        }
    }
}
