import CScanKernels
import Dispatch

/// The grouped variant of the first pass: rows reached through a `ClusterPartition`, nearest
/// groups first, instead of every row in order.
extension TwoPassSearch {
    /// Each query of a batch through the groups nearest to it: the rows added since the
    /// grouping first, then groups in order of their lower bounds until one exceeds the k-th
    /// upper bound seen — every later group is as far or farther.
    static func searchGroups(
        _ matrix: CollectionMatrix, _ queries: [Query], _ partition: ClusterPartition, threads: Int, start: UInt64
    ) -> Outcome {
        let job = GroupSearchJob(matrix: matrix, queries: queries, partition: partition)
        let answers = perQuery(queries.count, threads: threads, job.run)
        return Outcome(
            hits: answers.map(\.0), bounded: answers.map(\.2), rescored: answers.map(\.1),
            firstPassSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
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

        func run(_ index: Int) -> ([Hit], Int, Int) {
            let query = queries[index]
            var survivors = Survivors(k: query.k)
            TwoPassSearch.firstPass(matrix, query, rows: partition.extras[...], into: &survivors)
            let bounds = partition.lowerBounds(query.vector, queryNorm: query.info.code.norm, space: matrix.space)
            var order = LowestFirst(bounds)
            while let (bound, group) = order.next() {
                // Not `>=`: a member at exactly the threshold could still win a tie.
                if bound > survivors.upper.threshold { break }
                let members = partition.members[partition.offsets[group]..<partition.offsets[group + 1]]
                TwoPassSearch.firstPass(matrix, query, rows: members, into: &survivors)
            }
            if survivors.unbounded || bounds.contains(where: { !$0.isFinite }) {
                let hits = ExactSearch.searchOne(matrix, query: query.vector, k: query.k, candidates: nil)
                return (hits, matrix.count, matrix.count)
            }
            let (hits, rescored) = TwoPassSearch.rescore(matrix, query, [survivors])
            return (hits, rescored, survivors.bounded)
        }
    }
}
