import CBLAS
import CScanKernels

/// The single-query scan kernels side by side, for the benchmark that chose between them
/// (`Benchmarks/EngineBenchmarks`). The store itself uses `ExactSearch`.
@_spi(Benchmarks) public enum ScanKernels {
    /// The instruction set the scan kernels dispatched to.
    public static var instructionSet: String { DistanceKernel.instructionSet }

    /// Top-k rows by 1 − dot with the dispatched C kernel, row by row.
    public static func simdTopK(_ matrix: UnsafePointer<Float>, rows: Int, dimension: Int, query: [Float], k: Int)
        -> [Int32]
    {
        var top = TopK(k: k)
        query.withUnsafeBufferPointer { q in
            for row in 0..<rows {
                top.insert(
                    distance: DistanceKernel.distance(.ip, q.baseAddress!, matrix + row * dimension, dimension),
                    row: Int32(row))
            }
        }
        return top.sorted().map(\.row)
    }

    /// Top-k rows by 1 − dot with BLAS `sgemv` filling a score buffer first.
    public static func sgemvTopK(
        _ matrix: UnsafePointer<Float>, rows: Int, dimension: Int, query: [Float], k: Int, scores: inout [Float]
    ) -> [Int32] {
        cblas_sgemv(
            CblasRowMajor, CblasNoTrans, Int32(rows), Int32(dimension), 1, matrix, Int32(dimension), query, 1, 0,
            &scores, 1)
        var top = TopK(k: k)
        for row in 0..<rows { top.insert(distance: 1 - scores[row], row: Int32(row)) }
        return top.sorted().map(\.row)
    }
}

/// Exact top-k by dot product with BLAS `sgemm`, fed rows block by block: the reference answer
/// a benchmark checks the store's search against (independent of the store's own kernels).
@_spi(Benchmarks) public struct ExactReference {
    private let queries: [Float]
    private let dimension: Int
    private var tops: [TopK]
    private var seen = 0

    /// `queries`: unit vectors, one per row.
    public init(queries: [[Float]], k: Int) {
        self.queries = Array(queries.joined())
        dimension = queries.first?.count ?? 0
        tops = queries.map { _ in TopK(k: k) }
    }

    /// Scores the next `rows` rows (row-major, unit vectors) against every query.
    public mutating func add(_ block: [Float], rows: Int) {
        var scores = [Float](repeating: 0, count: rows * tops.count)
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(tops.count), Int32(rows), Int32(dimension), 1, queries,
            Int32(dimension), block, Int32(dimension), 0, &scores, Int32(rows))
        for query in tops.indices {
            for row in 0..<rows { tops[query].insert(distance: 1 - scores[query * rows + row], row: Int32(seen + row)) }
        }
        seen += rows
    }

    /// Each query's nearest rows (their numbers in the order added) with their distances 1 − dot.
    public var answers: [[(row: Int, distance: Float)]] {
        tops.map { $0.sorted().map { (Int($0.row), $0.distance) } }
    }
}

/// A collection's matrix outside any store, for benchmarking the two passes of a search.
@_spi(Benchmarks) public struct SearchProbe: @unchecked Sendable {
    let matrix: CollectionMatrix
    let partition: ClusterPartition?

    /// `space` is "cosine", "l2" or "ip"; `grouped` builds the row groups searches skip by,
    /// `prefixed` the prefix codes on the rows' principal axes (when they pay).
    public init(space: String, rows: [[Float]], grouped: Bool = false, prefixed: Bool = false) throws {
        var matrix = CollectionMatrix(
            space: DistanceSpace(rawValue: space) ?? .cosine, dimension: rows.first?.count ?? 0)
        for (seq, row) in rows.enumerated() { try matrix.append(seq: Int64(seq), vector: row) }
        partition = grouped ? ClusterPartition(matrix) : nil
        if let partition { matrix.orderCodes(by: partition) }
        if prefixed { matrix.prefix = PrefixCodes(matrix) }
        self.matrix = matrix
    }

    /// Whether prefix codes were built (the principal axes hold enough of the rows).
    public var hasPrefix: Bool { matrix.prefix != nil }

    /// Whether the store would group these rows (the trial on a sample).
    public var groupingPays: Bool { GroupingTrial.pays(matrix) }

    /// Bytes the first pass reads (int8 codes) and a float32 scan reads.
    public var compactBytes: Int { matrix.quantized.codes.count }
    /// Bytes of prefix codes, which a prefixed first pass reads in full before any row's codes.
    public var prefixBytes: Int { matrix.prefix?.codes.count ?? 0 }
    public var floatBytes: Int { matrix.vectors.count * 4 }

    /// Both passes for all `queries` at once; the rows of each answer and the timings.
    /// `groupsAlways` never gives up on the groups (to show how much they prune).
    public func twoPass(_ queries: [[Float]], k: Int, threads: Int, groupsAlways: Bool = false) -> (
        rows: [[Int32]], bounded: [Int], rescored: [Int], firstPassSeconds: Double, rescoreSeconds: Double
    ) {
        let outcome = TwoPassSearch.search(
            matrix, queries: queries.map { (matrix.prepared($0), k) }, candidates: nil, threads: threads,
            partition: partition, groupedShare: groupsAlways ? 1 : TwoPassSearch.groupedShare)
        return (
            outcome.hits.map { $0.map(\.row) }, outcome.bounded, outcome.rescored, outcome.firstPassSeconds,
            outcome.rescoreSeconds
        )
    }

    /// The plain float32 scan of one query.
    public func plainScan(_ query: [Float], k: Int) -> [Int32] {
        ExactSearch.searchOne(matrix, query: matrix.prepared(query), k: k, candidates: nil).map(\.row)
    }

    /// The first pass's instruction set.
    public static var firstPassInstructionSet: String { String(cString: scan_u8i8_isa()) }
}
