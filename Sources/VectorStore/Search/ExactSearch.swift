import CBLAS
import Dispatch
import Foundation

/// Exact k-nearest-neighbour search over a `CollectionMatrix`: every candidate row is scored,
/// so recall is 1.0 by construction.
enum ExactSearch {
    /// Rows scored per kernel call (a block of scores stays in cache).
    static let batchRows = 4096
    /// From this many queries on, ip/cosine scoring goes through one `sgemm` per row block.
    static let sgemmQueryThreshold = 4
    /// Unfiltered scans of at least this many rows are split across cores.
    static let parallelRows = 32_768
    /// Cores one scan may use: `THOTH_SEARCH_THREADS`, default all of them.
    static let threads: Int = {
        let configured = ProcessInfo.processInfo.environment["THOTH_SEARCH_THREADS"].flatMap(Int.init)
        return max(1, configured ?? ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// The `k` nearest rows for each query, nearest first. `candidates` nil means every row.
    static func search(
        _ matrix: CollectionMatrix, queries: [[Float]], k: Int, candidates: RowSet?
    ) -> [[(distance: Float, row: Int32)]] {
        let prepared = queries.map(matrix.prepared)
        if matrix.space != .l2, candidates == nil, prepared.count >= sgemmQueryThreshold {
            return searchBatch(matrix, queries: prepared, k: k)
        }
        return prepared.map { searchOne(matrix, query: $0, k: k, candidates: candidates) }
    }

    /// One query: distances of a block of rows into a buffer, then a bounded heap. Without a
    /// filter the rows are scanned contiguously; with one, only candidate rows are scored.
    static func searchOne(
        _ matrix: CollectionMatrix, query: [Float], k: Int, candidates: RowSet?
    ) -> [(distance: Float, row: Int32)] {
        var top = TopK(k: min(k, candidates?.count ?? matrix.count))
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
                let parts = matrix.count >= parallelRows ? threads : 1
                if parts == 1 {
                    scan(space, query, base, rows: 0..<matrix.count, dimension: dimension, into: &top)
                    return
                }
                // Each core scans a contiguous share of rows into its own heap; the heaps are
                // merged on (distance, row), so ties still go to the earlier insert.
                let job = ScanJob(space: space, query: query, base: base, dimension: dimension, k: top.k)
                let share = (matrix.count + parts - 1) / parts
                let results = PartResults(count: parts)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let rows = min(matrix.count, part * share)..<min(matrix.count, (part + 1) * share)
                    results.set(part, job.run(rows: rows))
                }
                for part in results.all { for hit in part { top.insert(distance: hit.distance, row: hit.row) } }
            }
        }
        return top.sorted()
    }

    /// Scores `rows` block by block into `top`.
    static func scan(
        _ space: DistanceSpace, _ query: UnsafePointer<Float>, _ base: UnsafePointer<Float>, rows: Range<Int>,
        dimension: Int, into top: inout TopK
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: batchRows) { scores in
            for start in stride(from: rows.lowerBound, to: rows.upperBound, by: batchRows) {
                let count = min(batchRows, rows.upperBound - start)
                DistanceKernel.distances(
                    space, query, base + start * dimension, count: count, dimension: dimension,
                    into: scores.baseAddress!)
                for row in 0..<count { top.insert(distance: scores[row], row: Int32(start + row)) }
            }
        }
    }

    /// One core's share of a parallel scan. The matrix is read-only for the scan's duration
    /// (the caller holds the collection's read lock).
    private struct ScanJob: @unchecked Sendable {
        let space: DistanceSpace
        let query: UnsafePointer<Float>
        let base: UnsafePointer<Float>
        let dimension: Int
        let k: Int

        func run(rows: Range<Int>) -> [(distance: Float, row: Int32)] {
            var top = TopK(k: k)
            ExactSearch.scan(space, query, base, rows: rows, dimension: dimension, into: &top)
            return top.sorted()
        }
    }

    /// The per-core results of a parallel scan; each core writes only its own slot.
    private final class PartResults: @unchecked Sendable {
        private(set) var all: [[(distance: Float, row: Int32)]]
        init(count: Int) { all = Array(repeating: [], count: count) }
        func set(_ part: Int, _ result: [(distance: Float, row: Int32)]) {
            all.withUnsafeMutableBufferPointer { $0[part] = result }
        }
    }

    /// Several ip/cosine queries in one pass: `sgemm` computes a block of dot products for all
    /// queries at once (the rows are read once for the whole batch), then each query's heap
    /// takes its column of 1 − dot.
    static func searchBatch(_ matrix: CollectionMatrix, queries: [[Float]], k: Int) -> [[(distance: Float, row: Int32)]]
    {
        let dimension = matrix.dimension
        let queryCount = queries.count
        let flat = queries.flatMap { $0 }
        var tops = (0..<queryCount).map { _ in TopK(k: min(k, matrix.count)) }
        var scores = [Float](repeating: 0, count: batchRows * queryCount)
        matrix.vectors.withUnsafeBufferPointer { v in
            guard let base = v.baseAddress else { return }
            for start in stride(from: 0, to: matrix.count, by: batchRows) {
                let rows = min(batchRows, matrix.count - start)
                // scores (rows × queries) = V[start..<start+rows] (rows × d) · Qᵀ (d × queries)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(queryCount), Int32(dimension), 1,
                    base + start * dimension, Int32(dimension), flat, Int32(dimension), 0, &scores, Int32(queryCount))
                for row in 0..<rows {
                    for query in 0..<queryCount {
                        tops[query].insert(distance: 1 - scores[row * queryCount + query], row: Int32(start + row))
                    }
                }
            }
        }
        return tops.map { $0.sorted() }
    }
}
