import CScanKernels
import Dispatch

/// Exact k-nearest-neighbour search that reads a quarter of the memory a float32 scan reads.
///
/// The first pass scores every row from its int8 codes and brackets the true distance:
/// by Cauchy–Schwarz, |q·x − q̃·x̃| ≤ ‖q‖·‖x − x̃‖ + ‖q − q̃‖·‖x̃‖, plus a margin for float32
/// rounding in both the estimate and the exact kernel. Let T be the k-th smallest upper bound:
/// k rows are certainly no farther than T, so a row whose lower bound exceeds T cannot be in
/// the answer, not even on a tie. The second pass rescores the survivors with the same float32
/// kernel as the plain scan, so the answer is the plain scan's, bit for bit, order included.
enum TwoPassSearch {
    typealias Hit = (distance: Float, row: Int32)

    /// Rows per block of the first pass: a block's codes stay in cache while every query of
    /// a batch reads them.
    static let blockRows = 256

    /// One query as both passes need it.
    struct Query {
        let vector: [Float]
        let k: Int
        let bytes: [UInt8]
        let code: Int8Code

        init(_ vector: [Float], k: Int, stride: Int) {
            self.vector = vector
            self.k = k
            var codes = [Int8](repeating: 0, count: stride)
            code = vector.withUnsafeBufferPointer { values in
                codes.withUnsafeMutableBufferPointer { Int8Code(values, into: $0) }
            }
            // Unsigned bytes for the u8 × s8 kernel: code + 128; the kernel's extra 128 · Σ row
            // codes is subtracted per row.
            bytes = codes.map { UInt8(Int16($0) + 128) }
        }
    }

    /// What the first pass kept for one query over part of the rows.
    struct Survivors {
        /// The k smallest upper bounds seen.
        var upper: TopK
        var rows: [Int32] = []
        var lower: [Float] = []
        /// A bound was not finite (values near float32's range): this query takes the plain scan.
        var unbounded = false

        init(k: Int) { upper = TopK(k: k) }
    }

    /// The answers, and how many rows each query rescored in float32.
    struct Outcome {
        var hits: [[Hit]]
        var rescored: [Int]
    }

    /// The `k` nearest rows for each prepared (cosine: normalised) query among `candidates`
    /// (nil: all rows), nearest first, ties by row.
    static func search(
        _ matrix: CollectionMatrix, queries: [(vector: [Float], k: Int)], candidates: RowSet?, threads: Int
    ) -> Outcome {
        let stride = matrix.quantized.stride
        let encoded = queries.map { Query($0.vector, k: $0.k, stride: stride) }
        let parts = candidates == nil && matrix.count >= ExactSearch.parallelRows ? threads : 1
        var survivors: [[Survivors]]
        if parts == 1 {
            var part = encoded.map { Survivors(k: $0.k) }
            if let candidates {
                candidates.forEachRun { firstPass(matrix, encoded, rows: $0, into: &part) }
            } else {
                firstPass(matrix, encoded, rows: 0..<matrix.count, into: &part)
            }
            survivors = [part]
        } else {
            let share = (matrix.count + parts - 1) / parts
            let results = PartResults<[Survivors]>(count: parts, empty: [])
            let job = FirstPassJob(matrix: matrix, queries: encoded)
            DispatchQueue.concurrentPerform(iterations: parts) { index in
                results.set(
                    index, job.run(rows: min(matrix.count, index * share)..<min(matrix.count, (index + 1) * share)))
            }
            survivors = results.all
        }
        var outcome = Outcome(hits: [], rescored: [])
        for (index, query) in encoded.enumerated() {
            let parts = survivors.map { $0[index] }
            if parts.contains(where: \.unbounded) {
                outcome.hits.append(
                    ExactSearch.searchOne(matrix, query: query.vector, k: query.k, candidates: candidates))
                outcome.rescored.append(candidates?.count ?? matrix.count)
                continue
            }
            let (hits, rescored) = rescore(matrix, query, parts)
            outcome.hits.append(hits)
            outcome.rescored.append(rescored)
        }
        return outcome
    }

    /// Scores `rows` from their codes for every query, block by block.
    static func firstPass(
        _ matrix: CollectionMatrix, _ queries: [Query], rows: Range<Int>, into survivors: inout [Survivors]
    ) {
        let stride = matrix.quantized.stride
        let isL2 = matrix.space == .l2
        let slack = Float(matrix.dimension + 32) * .ulpOfOne
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: blockRows) { raw in
            matrix.quantized.codes.withUnsafeBufferPointer { codes in
                matrix.quantized.rows.withUnsafeBufferPointer { meta in
                    for start in Swift.stride(from: rows.lowerBound, to: rows.upperBound, by: blockRows) {
                        let count = min(blockRows, rows.upperBound - start)
                        for (index, query) in queries.enumerated() {
                            query.bytes.withUnsafeBufferPointer { bytes in
                                scan_u8i8_rows(
                                    bytes.baseAddress, codes.baseAddress! + start * stride, count, stride,
                                    raw.baseAddress)
                            }
                            let q = query.code
                            for offset in 0..<count {
                                let row = meta[start + offset]
                                let dot = q.scale * row.scale * Float(raw[offset] &- 128 &* row.codeSum)
                                // ‖x̃‖ ≤ ‖x‖ + ‖x − x̃‖
                                let reach = row.norm + row.error
                                let error = q.norm * row.error + q.error * reach
                                let estimate: Float, bound: Float
                                if isL2 {
                                    estimate = q.norm * q.norm + row.norm * row.norm - 2 * dot
                                    let size = q.norm + reach
                                    bound = 2 * error + slack * size * size
                                } else {
                                    estimate = 1 - dot
                                    bound = error + slack * (1 + q.norm * reach)
                                }
                                survivors[index].consider(
                                    row: start + offset, lower: estimate - bound, upper: estimate + bound)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The second pass for one query: survivors within the final threshold, scored exactly.
    static func rescore(_ matrix: CollectionMatrix, _ query: Query, _ parts: [Survivors]) -> ([Hit], Int) {
        var upper = TopK(k: query.k)
        for part in parts {
            for (distance, row) in zip(part.upper.distances, part.upper.rows) {
                upper.insert(distance: distance, row: row)
            }
        }
        let threshold = upper.threshold
        var top = TopK(k: query.k)
        var rescored = 0
        let dimension = matrix.dimension
        query.vector.withUnsafeBufferPointer { q in
            matrix.vectors.withUnsafeBufferPointer { v in
                for part in parts {
                    for (row, lower) in zip(part.rows, part.lower) where lower <= threshold {
                        let distance = DistanceKernel.distance(
                            matrix.space, q.baseAddress!, v.baseAddress! + Int(row) * dimension, dimension)
                        top.insert(distance: distance, row: row)
                        rescored += 1
                    }
                }
            }
        }
        return (top.sorted(), rescored)
    }

    /// One core's share of a parallel first pass; the matrix is read-only meanwhile (the
    /// caller holds the collection's read lock).
    private struct FirstPassJob: @unchecked Sendable {
        let matrix: CollectionMatrix
        let queries: [Query]

        func run(rows: Range<Int>) -> [Survivors] {
            var survivors = queries.map { Survivors(k: $0.k) }
            TwoPassSearch.firstPass(matrix, queries, rows: rows, into: &survivors)
            return survivors
        }
    }
}

extension TwoPassSearch.Survivors {
    @inline(__always)
    mutating func consider(row: Int, lower: Float, upper bound: Float) {
        guard lower.isFinite, bound.isFinite else {
            unbounded = true
            return
        }
        if lower <= upper.threshold {
            rows.append(Int32(row))
            self.lower.append(lower)
        }
        upper.insert(distance: bound, row: Int32(row))
    }
}

/// Per-core results of a parallel pass; each core writes only its own slot.
final class PartResults<Part>: @unchecked Sendable {
    private(set) var all: [Part]
    init(count: Int, empty: Part) { all = Array(repeating: empty, count: count) }
    func set(_ index: Int, _ part: Part) {
        all.withUnsafeMutableBufferPointer { $0[index] = part }
    }
}
