import CScanKernels

/// Distance between a query and stored rows, in float32, the way Chroma computes it.
///
/// The kernels are C (`CScanKernels`), compiled for AVX-512, AVX2+FMA and SSE2 and picked
/// at load time: the scan is bound by memory bandwidth, and Swift's SIMD types on the
/// baseline x86-64 target (SSE2) cannot keep up with it. For cosine, rows and query are
/// normalised beforehand (as hnswlib does), so cosine is 1 − dot like `ip`.
enum DistanceKernel {
    /// Distance from `query` to one row of `dimension` floats.
    @inline(__always)
    static func distance(
        _ space: DistanceSpace, _ query: UnsafePointer<Float>, _ row: UnsafePointer<Float>, _ dimension: Int
    ) -> Float {
        switch space {
        case .l2: return scan_l2(query, row, dimension)
        case .ip, .cosine: return 1 - scan_dot(query, row, dimension)
        }
    }

    /// Distances from `query` to `count` consecutive rows, into `out`.
    static func distances(
        _ space: DistanceSpace, _ query: UnsafePointer<Float>, _ rows: UnsafePointer<Float>, count: Int, dimension: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        switch space {
        case .l2:
            scan_l2_rows(query, rows, count, dimension, out)
        case .ip, .cosine:
            scan_dot_rows(query, rows, count, dimension, out)
            for index in 0..<count { out[index] = 1 - out[index] }
        }
    }

    /// hnswlib's normalisation for cosine: x / (‖x‖ + 1e-30), so a zero vector stays zero
    /// (distance 1 to everything) instead of turning into NaN.
    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.withUnsafeBufferPointer { scan_dot($0.baseAddress!, $0.baseAddress!, $0.count) }
        let scale = 1 / (norm.squareRoot() + 1e-30)
        return vector.map { $0 * scale }
    }

    /// The instruction set the kernels run with on this CPU.
    static var instructionSet: String { String(cString: scan_kernels_isa()) }
}
