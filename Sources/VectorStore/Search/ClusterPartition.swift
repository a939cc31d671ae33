import CBLAS
import CScanKernels
import Foundation

/// A grouping of a collection's rows around centroids, each group with a radius that every
/// member lies within. A query can rule out a whole group from one dot product with its
/// centroid (triangle inequality / Cauchy–Schwarz), so a search visits the groups nearest to
/// it and skips the rest — still exact: a group is skipped only when no member can make the
/// top k. Rows appended after the grouping are kept aside and always scanned.
struct ClusterPartition {
    /// Collections smaller than this are scanned whole.
    static let minimumRows = 16_384
    /// `THOTH_SEARCH_GROUPING=0` scans every row (for comparison); default on.
    static let enabled = ProcessInfo.processInfo.environment["THOTH_SEARCH_GROUPING"] != "0"

    let dimension: Int
    /// Row-major, one centroid per group.
    let centroids: [Float]
    let centroidNorms: [Float]
    /// ≥ ‖x − centroid‖ for every member x (rounded up).
    let radii: [Float]
    /// Members of group g: `members[offsets[g]..<offsets[g + 1]]`, ascending rows.
    let offsets: [Int]
    let members: [Int32]
    /// Rows added since the grouping was made.
    private(set) var extras: [Int32] = []

    var groups: Int { radii.count }

    /// Whether the grouping has fallen too far behind the collection to be worth using.
    func isStale(rowCount: Int) -> Bool { extras.count > rowCount / 4 }

    mutating func appended(row: Int) { extras.append(Int32(row)) }

    /// Groups the rows of `matrix` with a few rounds of k-means on a sample, then assigns
    /// every row to its nearest centroid. Deterministic.
    init(_ matrix: CollectionMatrix) {
        let dimension = matrix.dimension, count = matrix.count
        self.dimension = dimension
        let groups = min(256, max(8, count / 512))
        let vectors = matrix.vectors
        // Training sample: evenly spaced rows.
        let sampleCount = min(count, groups * 48)
        let sample = (0..<sampleCount).map { $0 * count / sampleCount }
        var centroids = [Float](repeating: 0, count: groups * dimension)
        for group in 0..<groups {
            let row = sample[group * sampleCount / groups]
            centroids.replaceSubrange(
                group * dimension..<(group + 1) * dimension, with: vectors[row * dimension..<(row + 1) * dimension])
        }
        var sampleVectors = [Float]()
        sampleVectors.reserveCapacity(sampleCount * dimension)
        for row in sample { sampleVectors.append(contentsOf: vectors[row * dimension..<(row + 1) * dimension]) }
        for _ in 0..<6 {
            let assignment = Self.nearest(sampleVectors, count: sampleCount, centroids, groups: groups, dimension)
            var sums = [Double](repeating: 0, count: groups * dimension)
            var sizes = [Int](repeating: 0, count: groups)
            for (index, group) in assignment.enumerated() {
                sizes[group] += 1
                for d in 0..<dimension { sums[group * dimension + d] += Double(sampleVectors[index * dimension + d]) }
            }
            for group in 0..<groups where sizes[group] > 0 {
                for d in 0..<dimension {
                    centroids[group * dimension + d] = Float(sums[group * dimension + d] / Double(sizes[group]))
                }
            }
        }
        let assignment = Self.nearest(vectors, count: count, centroids, groups: groups, dimension)
        var sizes = [Int](repeating: 0, count: groups)
        for group in assignment { sizes[group] += 1 }
        var offsets = [0]
        for size in sizes { offsets.append(offsets.last! + size) }
        var members = [Int32](repeating: 0, count: count)
        var next = offsets
        var radii = [Float](repeating: 0, count: groups)
        vectors.withUnsafeBufferPointer { v in
            centroids.withUnsafeBufferPointer { c in
                for (row, group) in assignment.enumerated() {
                    members[next[group]] = Int32(row)
                    next[group] += 1
                    let squared = scan_l2(
                        v.baseAddress! + row * dimension, c.baseAddress! + group * dimension, dimension)
                    radii[group] = max(radii[group], Float(Double(squared).squareRoot()))
                }
            }
        }
        // The kernel's own rounding, and then some.
        let margin = 1 + Float(dimension + 32) * .ulpOfOne
        self.radii = radii.map { ($0 * margin).nextUp }
        self.centroids = centroids
        self.centroidNorms = (0..<groups).map { group in
            centroids.withUnsafeBufferPointer {
                Float(
                    Double(
                        scan_dot($0.baseAddress! + group * dimension, $0.baseAddress! + group * dimension, dimension)
                    ).squareRoot()
                ).nextUp
            }
        }
        self.offsets = offsets
        self.members = members
    }

    /// The nearest centroid (L2) of each of `count` rows: argmax x·c − ‖c‖²/2, through `sgemm`.
    private static func nearest(
        _ rows: [Float], count: Int, _ centroids: [Float], groups: Int, _ dimension: Int
    ) -> [Int] {
        let halfNorms = (0..<groups).map { group in
            (0..<dimension).reduce(Float(0)) {
                $0 + centroids[group * dimension + $1] * centroids[group * dimension + $1]
            }
                / 2
        }
        let block = 2048
        var scores = [Float](repeating: 0, count: block * groups)
        var result = [Int](repeating: 0, count: count)
        rows.withUnsafeBufferPointer { r in
            for start in stride(from: 0, to: count, by: block) {
                let n = min(block, count - start)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(groups), Int32(dimension), 1,
                    r.baseAddress! + start * dimension, Int32(dimension), centroids, Int32(dimension), 0, &scores,
                    Int32(groups))
                for row in 0..<n {
                    var best = 0
                    var bestScore = -Float.infinity
                    for group in 0..<groups {
                        let score = scores[row * groups + group] - halfNorms[group]
                        if score > bestScore {
                            bestScore = score
                            best = group
                        }
                    }
                    result[start + row] = best
                }
            }
        }
        return result
    }

    /// For each group, a distance that no member's float32 distance to `query` falls below.
    func lowerBounds(_ query: [Float], queryNorm: Float, space: DistanceSpace) -> [Float] {
        let slack = 2 * Float(dimension + 32) * .ulpOfOne
        return query.withUnsafeBufferPointer { q in
            centroids.withUnsafeBufferPointer { c in
                (0..<groups).map { group in
                    let centroid = c.baseAddress! + group * dimension
                    let reach = centroidNorms[group] + radii[group]
                    switch space {
                    case .l2:
                        // ‖q − x‖ ≥ ‖q − c‖ − r
                        let toCentroid = Float(Double(scan_l2(q.baseAddress!, centroid, dimension)).squareRoot())
                        let gap = max(0, toCentroid * (1 - slack) - radii[group])
                        let size = queryNorm + reach
                        return gap * gap - slack * size * size
                    case .ip, .cosine:
                        // q·x = q·c + q·(x − c) ≤ q·c + ‖q‖·r
                        let dot = scan_dot(q.baseAddress!, centroid, dimension)
                        return 1 - dot - queryNorm * radii[group] - slack * (1 + queryNorm * reach)
                    }
                }
            }
        }
    }
}
