import Foundation

/// Exact k-nearest-neighbour search over a `CollectionMatrix`: recall is 1.0 by construction.
/// Small collections are scanned in float32 directly; from `twoPassRows` on, the int8 first
/// pass of `TwoPassSearch` picks the rows worth scoring in float32.
enum ExactSearch {
    typealias Hit = (distance: Float, row: Int32)

    /// Rows scored per kernel call (a block of scores stays in cache).
    static let batchRows = 4096
    /// From this many rows on, a search takes two passes.
    static let twoPassRows = 2048
    /// Unfiltered scans of at least this many rows are split across cores.
    static let parallelRows = 32_768
    /// Cores one scan may use: `THOTH_SEARCH_THREADS`, default all of them.
    static let threads: Int = {
        let configured = ProcessInfo.processInfo.environment["THOTH_SEARCH_THREADS"].flatMap(Int.init)
        return max(1, configured ?? ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// The `k` nearest rows for each query, nearest first. `candidates` nil means every row;
    /// such scans go through `batcher`, which may answer them together with other callers'.
    /// With groups, each query first tries its own few groups (no pass over the rows to share,
    /// and waiting for one would only add latency); those that give up on them join the batcher.
    static func search(
        _ matrix: CollectionMatrix, queries: [[Float]], k: Int, candidates: RowSet?, batcher: ScanBatcher? = nil,
        partition: ClusterPartition? = nil
    ) -> [[Hit]] {
        let prepared = queries.map(matrix.prepared)
        guard matrix.count >= twoPassRows else {
            return prepared.map { searchOne(matrix, query: $0, k: k, candidates: candidates) }
        }
        if candidates == nil, let batcher {
            var hits = [[Hit]?](repeating: nil, count: prepared.count)
            if let partition, partition.verdict.worthTrying() {
                let encoded = prepared.map { TwoPassSearch.Query($0, k: k, in: matrix) }
                hits = TwoPassSearch.searchGroups(matrix, encoded, partition, threads: threads).hits
            }
            let left = prepared.indices.filter { hits[$0] == nil }
            if !left.isEmpty {
                let plain = batcher.search(matrix, queries: left.map { (prepared[$0], k) })
                for (index, query) in left.enumerated() { hits[query] = plain[index] }
            }
            return hits.map { $0! }
        }
        return TwoPassSearch.search(
            matrix, queries: prepared.map { ($0, k) }, candidates: candidates, threads: threads, partition: partition
        ).hits
    }

    /// The plain float32 scan of one prepared query: distances of a block of rows into a
    /// buffer, then a bounded heap. With a filter, only candidate rows are scored.
    static func searchOne(_ matrix: CollectionMatrix, query: [Float], k: Int, candidates: RowSet?) -> [Hit] {
        var top = TopK(k: k)
        let dimension = matrix.dimension
        let space = matrix.space
        query.withUnsafeBufferPointer { q in
            matrix.vectors.withUnsafeBufferPointer { v in
                let query = q.baseAddress!
                guard let base = v.baseAddress else { return }
                if let candidates {
                    candidates.forEach { row in
                        let d = DistanceKernel.distance(space, query, base + row * dimension, dimension)
                        top.insert(distance: d, row: Int32(row))
                    }
                    return
                }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: batchRows) { scores in
                    for start in stride(from: 0, to: matrix.count, by: batchRows) {
                        let count = min(batchRows, matrix.count - start)
                        DistanceKernel.distances(
                            space, query, base + start * dimension, count: count, dimension: dimension,
                            into: scores.baseAddress!)
                        for row in 0..<count { top.insert(distance: scores[row], row: Int32(start + row)) }
                    }
                }
            }
        }
        return top.sorted()
    }
}
