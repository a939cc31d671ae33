import CScanKernels

/// A vector compressed to one signed byte per dimension with one scale, x ≈ scale · code,
/// plus what the first pass needs to bound the error that compression causes in a score:
/// Σ codes (to undo the +64 offset of unsigned query bytes), ‖x‖ and ‖x − scale · code‖,
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

    /// A query's codes as the u8 × s8 kernels read them: each + `queryOffset`.
    static func queryBytes(_ codes: [Int8]) -> [UInt8] { codes.map { UInt8(Int16($0) + Int16(queryOffset)) } }

    /// The float32 rounding margin, relative, of an estimate from codes and of the exact kernel
    /// over `dimension` values: what every first-pass bound adds.
    static func slack(dimension: Int) -> Float { Float(dimension + 32) * .ulpOfOne }

    /// Encodes `vector` into `codes` (`stride` bytes, tail zeroed), nearest code per value,
    /// codes within ±`range`.
    init(_ vector: UnsafeBufferPointer<Float>, into codes: UnsafeMutableBufferPointer<Int8>, range: Float = 127) {
        self = scan_encode(vector.baseAddress, vector.count, codes.count, range, codes.baseAddress)
    }
}
