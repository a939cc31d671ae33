import CScanKernels
import Dispatch

/// Exact k-nearest-neighbour search that reads a quarter of the memory a float32 scan reads.
///
/// The first pass scores every row from its int8 codes and brackets the true distance:
/// by Cauchy–Schwarz, |q·x − q̃·x̃| ≤ ‖q‖·‖x − x̃‖ + ‖q − q̃‖·‖x̃‖, plus a margin for float32
/// rounding in both the estimate and the exact kernel. Let T be the k-th smallest upper bound:
/// k rows are certainly no farther than T, so a row whose lower bound exceeds T cannot be in
/// the answer, not even on a tie. The second pass rescores the survivors with the same float32
/// kernel as the plain scan, lowest lower bound first, and stops once the next lower bound
/// exceeds the k-th distance found — so the answer is the plain scan's, bit for bit, order
/// included.
enum TwoPassSearch {
    typealias Hit = ExactSearch.Hit

    /// Rows per block of the first pass: a block's codes stay in cache while every query of
    /// a batch reads them.
    static let blockRows = 64

    /// One query as the passes need it: the float32 vector for rescoring; its int8 code for
    /// the first pass (within ±64, so that the kernels' byte pairs fit 16 bits); and its
    /// residual's code, with which the rows left after the first pass are bounded again when
    /// there are many of them — both codes together leave the query an error ~64× smaller.
    struct Query {
        let vector: [Float]
        let k: Int
        /// Both codes + 64, as unsigned bytes for the u8 × s8 kernel (which subtracts the extra
        /// 64 · Σ row codes per row), `stride` bytes each: the first pass reads the first.
        let bytes: [UInt8]
        /// The first code's scale, the query's norm and that code's error, the distance space
        /// and the rounding margin, as the bound kernel reads them.
        let info: scan_query_info
        /// The same with the residual code's scale and the error left after both.
        let refined: scan_query_info
        /// Its code on the collection's principal axes, for the prefix pass (`prefixed`).
        let prefix: PrefixCodes.Query?

        init(_ vector: [Float], k: Int, in matrix: CollectionMatrix, prefixed: Bool = false) {
            self.vector = vector
            self.k = k
            prefix = prefixed ? matrix.prefix?.query(vector) : nil
            let stride = matrix.quantized.stride
            var codes = [Int8](repeating: 0, count: 2 * stride)
            let coarse = vector.withUnsafeBufferPointer { values in
                codes.withUnsafeMutableBufferPointer {
                    Int8Code(
                        values, into: UnsafeMutableBufferPointer(rebasing: $0[0..<stride]), range: Int8Code.queryRange)
                }
            }
            let residual = (0..<vector.count).map {
                Float(Double(vector[$0]) - Double(coarse.scale) * Double(codes[$0]))
            }
            let fine = residual.withUnsafeBufferPointer { values in
                codes.withUnsafeMutableBufferPointer {
                    Int8Code(
                        values, into: UnsafeMutableBufferPointer(rebasing: $0[stride...]), range: Int8Code.queryRange)
                }
            }
            // What remains after both codes, in Double and rounded up.
            var remainder = 0.0
            for index in vector.indices {
                let approximation =
                    Double(coarse.scale) * Double(codes[index]) + Double(fine.scale) * Double(codes[stride + index])
                remainder += (Double(vector[index]) - approximation) * (Double(vector[index]) - approximation)
            }
            var both = coarse
            both.error = remainder > 0 ? Float(remainder.squareRoot()).nextUp : 0
            let l2: Int32 = matrix.space == .l2 ? 1 : 0
            let slack = Int8Code.slack(dimension: matrix.dimension)
            info = scan_query_info(code: coarse, residual_scale: 0, l2: l2, slack: slack)
            refined = scan_query_info(code: both, residual_scale: fine.scale, l2: l2, slack: slack)
            bytes = Int8Code.queryBytes(codes)
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
        /// Rows whose bounds were computed.
        var bounded = 0

        init(k: Int) { upper = TopK(k: k) }
    }

    /// The answers, how many rows each query bounded and rescored, and each pass's time.
    struct Outcome {
        var hits: [[Hit]]
        var bounded: [Int] = []
        var rescored: [Int]
        var firstPassSeconds = 0.0
        var rescoreSeconds = 0.0
    }

    /// The `k` nearest rows for each prepared (cosine: normalised) query among `candidates`
    /// (nil: all rows), nearest first, ties by row. With a partition, unfiltered queries try
    /// the groups first (when they have been paying off); those that give up take the plain pass.
    /// (`groupedShare` 1 never gives up: tests check the groups' bounds with it.)
    static func search(
        _ matrix: CollectionMatrix, queries: [(vector: [Float], k: Int)], candidates: RowSet?, threads: Int,
        partition: ClusterPartition? = nil, groupedShare: Double = groupedShare
    ) -> Outcome {
        let prefixed = candidates == nil && partition == nil && matrix.prefix?.verdict.worthTrying() == true
        let encoded = queries.map { Query($0.vector, k: $0.k, in: matrix, prefixed: prefixed) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard candidates == nil, let partition, groupedShare >= 1 || partition.verdict.worthTrying() else {
            return search(matrix, encoded, candidates: candidates, threads: threads, start: start)
        }
        let grouped = searchGroups(matrix, encoded, partition, threads: threads, share: groupedShare)
        let left = encoded.indices.filter { grouped.hits[$0] == nil }
        var outcome = Outcome(
            hits: grouped.hits.map { $0 ?? [] }, bounded: grouped.bounded, rescored: grouped.rescored,
            firstPassSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        guard !left.isEmpty else { return outcome }
        let plain = search(matrix, left.map { encoded[$0] }, candidates: nil, threads: threads, start: start)
        for (index, query) in left.enumerated() {
            outcome.hits[query] = plain.hits[index]
            outcome.bounded[query] += plain.bounded[index]
            outcome.rescored[query] = plain.rescored[index]
        }
        outcome.firstPassSeconds = plain.firstPassSeconds
        outcome.rescoreSeconds = plain.rescoreSeconds
        return outcome
    }

    /// Both passes over every row (or the candidates), for encoded queries.
    private static func search(
        _ matrix: CollectionMatrix, _ encoded: [Query], candidates: RowSet?, threads: Int, start: UInt64
    ) -> Outcome {
        let parts = candidates == nil && matrix.count >= ExactSearch.parallelRows ? threads : 1
        var survivors: [[Survivors]]
        if let candidates {
            // Filtered: the allowed rows, read in place block by block.
            let slots = matrix.quantized.slots(of: candidates.rows)
            survivors = [
                encoded.map { query in
                    var part = Survivors(k: query.k)
                    firstPass(matrix, query, slots: slots, into: &part)
                    return part
                }
            ]
        } else if parts == 1 {
            var part = encoded.map { Survivors(k: $0.k) }
            firstPass(matrix, encoded, rows: 0..<matrix.count, into: &part)
            survivors = [part]
        } else {
            // Shares start at a block (the prefix codes are interleaved by 16 rows).
            let share = ((matrix.count + parts - 1) / parts + blockRows - 1) / blockRows * blockRows
            let results = PartResults<[Survivors]>(count: parts, empty: [])
            let job = FirstPassJob(matrix: matrix, queries: encoded)
            DispatchQueue.concurrentPerform(iterations: parts) { index in
                results.set(
                    index, job.run(rows: min(matrix.count, index * share)..<min(matrix.count, (index + 1) * share)))
            }
            survivors = results.all
        }
        let firstPassEnd = DispatchTime.now().uptimeNanoseconds
        let bounded = encoded.indices.map { index in survivors.reduce(0) { $0 + $1[index].bounded } }
        if let prefix = matrix.prefix, encoded.first?.prefix != nil {
            // Rows bounded from their full codes: a prefix that leaves a quarter of them rules little out.
            for rows in bounded { prefix.verdict.record(gaveUp: rows > matrix.count / 4) }
        }
        let job = SecondPassJob(matrix: matrix, queries: encoded, survivors: survivors, candidates: candidates)
        let answers = perQuery(encoded.count, threads: threads, job.run)
        return Outcome(
            hits: answers.map(\.0), bounded: bounded, rescored: answers.map(\.1),
            firstPassSeconds: Double(firstPassEnd - start) / 1e9,
            rescoreSeconds: Double(DispatchTime.now().uptimeNanoseconds - firstPassEnd) / 1e9)
    }

    /// `body` for each query of a batch (or each part of one query's work): spread over the
    /// cores when there are several, since each one's work is independent.
    static func perQuery<Answer>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Answer) -> [Answer] {
        guard count > 1, threads > 1 else { return (0..<count).map(body) }
        let answers = PartResults<Answer?>(count: count, empty: nil)
        DispatchQueue.concurrentPerform(iterations: count) { answers.set($0, body($0)) }
        return answers.all.map { $0! }
    }

    /// The first pass over `rows` (unfiltered, in slot order): those the prefix codes cover
    /// through them when the queries carry theirs, the rest from their full codes.
    static func firstPass(
        _ matrix: CollectionMatrix, _ queries: [Query], rows: Range<Int>, into survivors: inout [Survivors]
    ) {
        var rest = rows
        if let prefix = matrix.prefix, queries.first?.prefix != nil, prefix.count > rows.lowerBound {
            let covered = rows.lowerBound..<min(rows.upperBound, prefix.count)
            prefixPass(matrix, queries, rows: covered, into: &survivors)
            rest = covered.upperBound..<rows.upperBound
        }
        firstPass(matrix, queries, slots: rest, into: &survivors)
    }

    /// Bounds `rows` (slot = row) from their prefix codes for every query, block by block, then
    /// from their full codes the rows whose prefix bound does not rule them out: first the
    /// lowest prefix bounds, whose k-th upper bound becomes the threshold, then every other row
    /// whose prefix bound does not exceed that.
    static func prefixPass(
        _ matrix: CollectionMatrix, _ queries: [Query], rows: Range<Int>, into survivors: inout [Survivors]
    ) {
        let prefix = matrix.prefix!, width = prefix.width, count = rows.count
        // Every bound is written by the kernel: no need to clear first.
        var lower = [Float](unsafeUninitializedCapacity: queries.count * count) { $1 = $0.count }
        var bad = [Bool](repeating: false, count: queries.count)
        lower.withUnsafeMutableBufferPointer { lower in
            prefix.codes.withUnsafeBufferPointer { heads in
                prefix.rows.withUnsafeBufferPointer { infos in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: blockRows) { sums in
                        for start in Swift.stride(from: rows.lowerBound, to: rows.upperBound, by: blockRows) {
                            let block = min(blockRows, rows.upperBound - start)
                            for (index, query) in queries.enumerated() {
                                let head = query.prefix!
                                let failed = withUnsafePointer(to: head.info) { info in
                                    head.bytes.withUnsafeBufferPointer { bytes in
                                        scan_u8i8_prefix(
                                            bytes.baseAddress, info, heads.baseAddress! + start * width,
                                            infos.baseAddress! + start, block, width, sums.baseAddress!,
                                            lower.baseAddress! + index * count + start - rows.lowerBound)
                                    }
                                }
                                if failed != 0 { bad[index] = true }
                            }
                        }
                    }
                }
            }
        }
        for index in queries.indices {
            guard !bad[index] else {
                survivors[index].unbounded = true
                continue
            }
            let query = queries[index]
            let probeCount = min(count, max(64, 2 * query.k))
            var probed = [Int32](repeating: 0, count: probeCount)
            var threshold = Float.infinity
            let left = lower.withUnsafeBufferPointer { lower in
                let bounds = lower.baseAddress! + index * count
                withUnsafeTemporaryAllocation(of: Float.self, capacity: probeCount) { scratch in
                    _ = scan_smallest(bounds, count, probeCount, scratch.baseAddress!, &probed)
                }
                probed.sort()
                for offset in probed.indices { probed[offset] += Int32(rows.lowerBound) }
                firstPass(matrix, query, slots: probed, into: &survivors[index])
                threshold = min(survivors[index].upper.threshold, kthDistance(matrix, query, probed))
                // Few rows pass: only the pages written are ever touched.
                return [Int32](unsafeUninitializedCapacity: count) {
                    $1 = scan_at_most(bounds, count, threshold, $0.baseAddress!)
                }
            }
            // Those bounded already left out.
            var next = 0
            let others = left.compactMap { offset in
                let row = Int32(rows.lowerBound) + offset
                while next < probed.count, probed[next] < row { next += 1 }
                return next < probed.count && probed[next] == row ? nil : row
            }
            firstPass(matrix, query, slots: others, into: &survivors[index])
        }
    }

    /// The k-th smallest exact distance from `query` to `rows` (slot = row, `withExactDistance`);
    /// infinity for fewer than k rows. The k-th best of all rows is no farther, and no row's
    /// lower bound exceeds its distance so computed (the float32 margin is in every bound), so a
    /// row whose bound exceeds it is not among the k nearest: a tighter threshold than the k-th
    /// upper bound from codes.
    static func kthDistance(_ matrix: CollectionMatrix, _ query: Query, _ rows: [Int32]) -> Float {
        guard query.k > 0, rows.count >= query.k else { return .infinity }
        var top = TopK(k: query.k)
        withExactDistance(matrix, query) { distance in
            for row in rows { top.insert(distance: distance(row), row: row) }
        }
        return top.threshold
    }

    /// Bounds the rows in `slots` from their codes for every query, block by block, keeping the
    /// rows whose lower bound does not exceed the k-th smallest upper bound seen so far.
    static func firstPass(
        _ matrix: CollectionMatrix, _ queries: [Query], slots: Range<Int>, into survivors: inout [Survivors]
    ) {
        let quantized = matrix.quantized, stride = quantized.stride
        BlockBuffers.with { buffers in
            quantized.codes.withUnsafeBufferPointer { codes in
                quantized.rows.withUnsafeBufferPointer { meta in
                    for start in Swift.stride(from: slots.lowerBound, to: slots.upperBound, by: blockRows) {
                        let count = min(blockRows, slots.upperBound - start)
                        for index in queries.indices {
                            survivors[index].bound(
                                queries[index], codes.baseAddress! + start * stride, meta.baseAddress! + start,
                                index: nil, count: count, stride: stride, buffers
                            ) { quantized.row(in: start + $0) }
                        }
                    }
                }
            }
        }
    }

    /// The first pass for one query over scattered slots (ascending), read in place block by block.
    static func firstPass(_ matrix: CollectionMatrix, _ query: Query, slots: [Int32], into survivors: inout Survivors) {
        let quantized = matrix.quantized, stride = quantized.stride
        BlockBuffers.with { buffers in
            quantized.codes.withUnsafeBufferPointer { codes in
                quantized.rows.withUnsafeBufferPointer { meta in
                    slots.withUnsafeBufferPointer { index in
                        for start in Swift.stride(from: 0, to: index.count, by: blockRows) {
                            survivors.bound(
                                query, codes.baseAddress!, meta.baseAddress!, index: index.baseAddress! + start,
                                count: min(blockRows, index.count - start), stride: stride, buffers
                            ) { quantized.row(in: Int(index[start + $0])) }
                        }
                    }
                }
            }
        }
    }

    /// Scratch for one block: the kernel's sums (one per row) and the rows' lower and upper bounds.
    struct BlockBuffers {
        let sums: UnsafeMutablePointer<Int32>
        let lower: UnsafeMutablePointer<Float>
        let upper: UnsafeMutablePointer<Float>

        static func with(_ body: (BlockBuffers) -> Void) {
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: blockRows) { sums in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * blockRows) { bounds in
                    body(
                        BlockBuffers(
                            sums: sums.baseAddress!, lower: bounds.baseAddress!, upper: bounds.baseAddress! + blockRows)
                    )
                }
            }
        }
    }

    /// The second pass for one query: survivors in order of their lower bounds, scored
    /// exactly, until the next lower bound exceeds the k-th exact distance found. Many
    /// survivors are bounded again with both of the query's codes first: reading their codes
    /// twice more costs less than scoring most of them in float32.
    static func rescore(_ matrix: CollectionMatrix, _ query: Query, _ parts: [Survivors], threads: Int = 1)
        -> ([Hit], Int)
    {
        var upper = TopK(k: query.k)
        for part in parts {
            for (distance, row) in zip(part.upper.distances, part.upper.rows) {
                upper.insert(distance: distance, row: row)
            }
        }
        let threshold = upper.threshold
        var order: [(lower: Float, row: Int32)] = []
        for part in parts {
            for (row, lower) in zip(part.rows, part.lower) where lower <= threshold { order.append((lower, row)) }
        }
        if order.count > 4 * query.k + 16 { order = refine(matrix, query, order, threads: threads) ?? order }
        order.sort { $0.lower < $1.lower }
        var top = TopK(k: query.k)
        var rescored = 0
        withExactDistance(matrix, query) { distance in
            for candidate in order {
                if candidate.lower > top.threshold { break }
                top.insert(distance: distance(candidate.row), row: candidate.row)
                rescored += 1
            }
        }
        return (top.sorted(), rescored)
    }

    /// `body` with the exact distance from `query` to a row (by row number, not slot): the
    /// answer's distances, which every lower bound must not exceed.
    static func withExactDistance<Result>(
        _ matrix: CollectionMatrix, _ query: Query, _ body: (_ distance: (Int32) -> Float) -> Result
    ) -> Result {
        let dimension = matrix.dimension
        return query.vector.withUnsafeBufferPointer { q in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: dimension) { scratch in
                body { row in
                    matrix.vectors.withValues(at: Int(row) * dimension, count: dimension, scratch: scratch) {
                        DistanceKernel.distance(matrix.space, q.baseAddress!, $0, dimension)
                    }
                }
            }
        }
    }

    /// `candidates` bounded with both codes of the query, and those whose new lower bound does
    /// not exceed the k-th smallest new upper bound (every row with an upper bound at most the
    /// old threshold is among them, so that one is at most the old threshold). Nil when a bound
    /// is not finite. Split across `threads` when there are enough candidates.
    static func refine(
        _ matrix: CollectionMatrix, _ query: Query, _ candidates: [(lower: Float, row: Int32)], threads: Int = 1
    ) -> [(lower: Float, row: Int32)]? {
        let rows = candidates.map(\.row)
        let slots = rows.map { Int32(matrix.quantized.slot(of: Int($0))) }
        var lower = [Float](repeating: 0, count: rows.count), upper = lower
        let blocks = (rows.count + blockRows - 1) / blockRows
        let parts = max(1, min(threads, blocks / 8))
        let bad = lower.withUnsafeMutableBufferPointer { lower in
            upper.withUnsafeMutableBufferPointer { upper in
                let job = RefineJob(matrix: matrix, query: query, slots: slots, lower: lower, upper: upper)
                return perQuery(parts, threads: parts) { part in
                    job.run(blocks: blocks * part / parts..<blocks * (part + 1) / parts)
                }.reduce(0, |)
            }
        }
        guard bad == 0 else { return nil }
        var top = TopK(k: query.k)
        for (index, row) in rows.enumerated() { top.insert(distance: upper[index], row: row) }
        let threshold = top.threshold
        return rows.indices.compactMap { lower[$0] <= threshold ? (lower[$0], rows[$0]) : nil }
    }

    /// Blocks of candidates bounded with both codes of the query, each part writing the bounds of
    /// its own blocks; the matrix is read-only meanwhile.
    private struct RefineJob: @unchecked Sendable {
        let matrix: CollectionMatrix
        let query: Query
        let slots: [Int32]
        let lower: UnsafeMutableBufferPointer<Float>
        let upper: UnsafeMutableBufferPointer<Float>

        /// Nonzero when a bound was not finite.
        func run(blocks: Range<Int>) -> Int32 {
            var bad: Int32 = 0
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * blockRows) { sums in
                withUnsafePointer(to: query.refined) { info in
                    matrix.quantized.codes.withUnsafeBufferPointer { codes in
                        matrix.quantized.rows.withUnsafeBufferPointer { meta in
                            slots.withUnsafeBufferPointer { index in
                                for block in blocks {
                                    let start = block * blockRows
                                    bad |= scan_u8i8_refine(
                                        query.bytes, info, codes.baseAddress, meta.baseAddress,
                                        index.baseAddress! + start, min(blockRows, index.count - start),
                                        matrix.quantized.stride, sums.baseAddress!, lower.baseAddress! + start,
                                        upper.baseAddress! + start)
                                }
                            }
                        }
                    }
                }
            }
            return bad
        }
    }

    /// The second pass of one query of a batch; the matrix is read-only meanwhile.
    private struct SecondPassJob: @unchecked Sendable {
        let matrix: CollectionMatrix
        let queries: [Query]
        let survivors: [[Survivors]]
        let candidates: RowSet?

        func run(_ index: Int) -> ([Hit], Int) {
            let query = queries[index]
            let parts = survivors.map { $0[index] }
            if parts.contains(where: \.unbounded) {
                let hits = ExactSearch.searchOne(matrix, query: query.vector, k: query.k, candidates: candidates)
                return (hits, candidates?.count ?? matrix.count)
            }
            return TwoPassSearch.rescore(matrix, query, parts)
        }
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
    /// Bounds `count` coded rows — contiguous from `codes` and `meta`, or rows `index[0..<count]`
    /// of them — and keeps those that can still make the top k (`row` maps a block offset to its
    /// row number).
    @inline(__always)
    mutating func bound(
        _ query: TwoPassSearch.Query, _ codes: UnsafePointer<Int8>, _ meta: UnsafePointer<Int8Code>,
        index: UnsafePointer<Int32>?, count: Int, stride: Int, _ buffers: TwoPassSearch.BlockBuffers,
        row: (Int) -> Int32
    ) {
        let bad = withUnsafePointer(to: query.info) { info in
            query.bytes.withUnsafeBufferPointer { bytes in
                scan_u8i8_bounds(
                    bytes.baseAddress, info, codes, meta, index, count, stride, buffers.sums, buffers.lower,
                    buffers.upper)
            }
        }
        if bad != 0 { unbounded = true }
        keep(count: count, lower: buffers.lower, upper: buffers.upper, row: row)
    }

    /// Keeps the rows of a block that can still make the top k. A row whose lower bound
    /// exceeds the threshold has an upper bound above it too, so it changes nothing.
    @inline(__always)
    private mutating func keep(
        count: Int, lower: UnsafePointer<Float>, upper bounds: UnsafePointer<Float>, row: (Int) -> Int32
    ) {
        bounded += count
        var threshold = upper.threshold
        for offset in 0..<count where lower[offset] <= threshold {
            rows.append(row(offset))
            self.lower.append(lower[offset])
            upper.insert(distance: bounds[offset], row: row(offset))
            threshold = upper.threshold
        }
    }
}

/// Per-core results of a parallel pass; each core writes only its own slot.
final class PartResults<Part>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Part>

    init(count: Int, empty: Part) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: empty)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ part: Part) { slots[index] = part }

    /// Read once every part is set.
    var all: [Part] { Array(slots) }
}
