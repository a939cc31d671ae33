import CBLAS

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
