import CScanKernels

/// A vector compressed to one signed byte per dimension with one scale, x ≈ scale · code,
/// plus what the first pass needs to bound the error that compression causes in a score:
/// Σ codes (to undo the +128 offset of unsigned query bytes), ‖x‖ and ‖x − scale · code‖,
/// both rounded up. The C struct, so the bound kernel reads the rows' array directly.
typealias Int8Code = scan_code_info

extension Int8Code {
    /// Codes are padded with zeros to a multiple of this many bytes (one AVX-512 register).
    static let alignment = 64

    static func stride(_ dimension: Int) -> Int { (dimension + alignment - 1) / alignment * alignment }

    /// The range of a query's codes, ±64: as bytes (code + 64) they are at most 128, so the sum
    /// of two adjacent byte products (≤ 2 · 128 · 127) fits the 16 bits of AVX2's `vpmaddubsw`.
    static let queryRange: Float = 64
    static let queryOffset: UInt8 = 64

    /// Encodes `vector` into `codes` (`stride` bytes, tail zeroed), nearest code per value,
    /// codes within ±`range`.
    init(_ vector: UnsafeBufferPointer<Float>, into codes: UnsafeMutableBufferPointer<Int8>, range: Float = 127) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        let scale = largest > 0 ? largest / range : 0
        var sum: Int32 = 0, normSquared = 0.0, errorSquared = 0.0
        for index in codes.indices {
            guard index < vector.count else {
                codes[index] = 0
                continue
            }
            let value = vector[index]
            let code = scale > 0 ? Int8(max(-range, min(range, (value / scale).rounded()))) : 0
            codes[index] = code
            sum += Int32(code)
            // In Double, so the bounds themselves carry no float32 rounding.
            let residual = Double(value) - Double(scale) * Double(code)
            normSquared += Double(value) * Double(value)
            errorSquared += residual * residual
        }
        self.init(
            scale: scale, code_sum: sum, norm: Float(normSquared.squareRoot()).nextUp,
            error: errorSquared > 0 ? Float(errorSquared.squareRoot()).nextUp : 0)
    }
}
