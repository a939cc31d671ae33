import CBLAS

/// Exact k-nearest-neighbour search over a `CollectionMatrix`: every candidate row is scored,
/// so recall is 1.0 by construction.
enum ExactSearch {
    /// Rows scored per kernel call (a block of scores stays in cache).
    static let batchRows = 4096
    /// From this many queries on, ip/cosine scoring goes through one `sgemm` per row block.
    static let sgemmQueryThreshold = 4

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
                withUnsafeTemporaryAllocation(of: Float.self, capacity: batchRows) { scores in
                    for start in stride(from: 0, to: matrix.count, by: batchRows) {
                        let rows = min(batchRows, matrix.count - start)
                        DistanceKernel.distances(
                            space, query, base + start * dimension, count: rows, dimension: dimension,
                            into: scores.baseAddress!)
                        for row in 0..<rows { top.insert(distance: scores[row], row: Int32(start + row)) }
                    }
                }
            }
        }
        return top.sorted()
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
