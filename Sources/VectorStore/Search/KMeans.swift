import CTransformerKernels

/// Lloyd's k-means over some rows of a matrix: how `ClusterPartition` finds groups.
/// Deterministic (evenly spaced initial centroids), and trained on a sample, since the groups
/// only steer a search — its exactness never depends on them.
enum KMeans {
    /// Writes the values of a row (`dimension` of them) to the pointer: the rows are read
    /// through this, so they may be decoded on the way (`ClusterPartition` reads int8 codes).
    typealias Rows = (_ row: Int, _ into: UnsafeMutablePointer<Float>) -> Void

    /// Rows scored against the centroids per matrix product.
    static let block = 2048

    /// `k` centroids trained on an evenly spaced sample of `rows` (at most 48 per centroid,
    /// six rounds), then the nearest centroid of every one of `rows`.
    static func cluster(
        _ vectors: Rows, dimension: Int, rows: [Int32], k: Int
    ) -> (centroids: [Float], assignment: [Int]) {
        let sampleCount = min(rows.count, k * 48)
        let sample = (0..<sampleCount).map { rows[$0 * rows.count / sampleCount] }
        var centroids = [Float](repeating: 0, count: k * dimension)
        centroids.withUnsafeMutableBufferPointer { c in
            for group in 0..<k { vectors(Int(sample[group * sampleCount / k]), c.baseAddress! + group * dimension) }
        }
        var row = [Float](repeating: 0, count: dimension)
        for _ in 0..<6 {
            let assignment = nearest(vectors, dimension: dimension, rows: sample, centroids: centroids, k: k)
            var sums = [Double](repeating: 0, count: k * dimension)
            var sizes = [Int](repeating: 0, count: k)
            for (index, group) in assignment.enumerated() {
                sizes[group] += 1
                row.withUnsafeMutableBufferPointer { vectors(Int(sample[index]), $0.baseAddress!) }
                for d in 0..<dimension { sums[group * dimension + d] += Double(row[d]) }
            }
            for group in 0..<k where sizes[group] > 0 {
                for d in 0..<dimension {
                    centroids[group * dimension + d] = Float(sums[group * dimension + d] / Double(sizes[group]))
                }
            }
        }
        return (centroids, nearest(vectors, dimension: dimension, rows: rows, centroids: centroids, k: k))
    }

    /// The nearest centroid (L2) of each row: argmax x·c − ‖c‖²/2, one matrix product per
    /// gathered block (the embedding model's AVX-512 kernel: Debian's OpenBLAS runs its SSE3
    /// fallback on this CPU, see BENCHMARKS.md §3).
    static func nearest(
        _ vectors: Rows, dimension: Int, rows: [Int32], centroids: [Float], k: Int
    ) -> [Int] {
        let bias = (0..<k).map { group in
            -(0..<dimension).reduce(Float(0)) {
                $0 + centroids[group * dimension + $1] * centroids[group * dimension + $1]
            }
                / 2
        }
        var packed = [Float](repeating: 0, count: tk_packed_size(k, dimension))
        tk_pack_panels(centroids, &packed, k, dimension)
        var gathered = [Float](repeating: 0, count: block * dimension)
        var scores = [Float](repeating: 0, count: block * k)
        var result = [Int](repeating: 0, count: rows.count)
        for start in stride(from: 0, to: rows.count, by: block) {
            let count = min(block, rows.count - start)
            gathered.withUnsafeMutableBufferPointer { buffer in
                for offset in 0..<count { vectors(Int(rows[start + offset]), buffer.baseAddress! + offset * dimension) }
            }
            tk_matmul_bias(gathered, packed, bias, &scores, k, count, k, dimension, nil)
            for offset in 0..<count {
                var best = 0
                for group in 1..<k where scores[offset * k + group] > scores[offset * k + best] { best = group }
                result[start + offset] = best
            }
        }
        return result
    }
}
