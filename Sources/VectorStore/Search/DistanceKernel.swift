/// Distance between a query and stored rows, in float32, the way Chroma computes it.
///
/// The single-query scan is bound by memory bandwidth, so the kernel is a plain SIMD16 loop
/// that reads each row once; `acc += a * b` (not `addProduct`, which compiles to a slow
/// non-FMA path on the baseline x86-64 target). For cosine, rows and query are normalised
/// beforehand (as hnswlib does), so cosine is 1 − dot like `ip`.
enum DistanceKernel {
    /// Distance from `query` to one row of `dimension` floats.
    @inline(__always)
    static func distance(
        _ space: DistanceSpace, _ query: UnsafePointer<Float>, _ row: UnsafePointer<Float>, _ dimension: Int
    ) -> Float {
        switch space {
        case .l2: return squaredL2(query, row, dimension)
        case .ip, .cosine: return 1 - dot(query, row, dimension)
        }
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + 32 <= count {
            acc0 +=
                rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            acc1 +=
                rawA.loadUnaligned(fromByteOffset: index * 4 + 64, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4 + 64, as: SIMD16<Float>.self)
            index += 32
        }
        var sum = (acc0 + acc1).sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    @inline(__always)
    static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + 32 <= count {
            let d0 =
                rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
                - rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            let d1 =
                rawA.loadUnaligned(fromByteOffset: index * 4 + 64, as: SIMD16<Float>.self)
                - rawB.loadUnaligned(fromByteOffset: index * 4 + 64, as: SIMD16<Float>.self)
            acc0 += d0 * d0
            acc1 += d1 * d1
            index += 32
        }
        var sum = (acc0 + acc1).sum()
        while index < count {
            let d = a[index] - b[index]
            sum += d * d
            index += 1
        }
        return sum
    }

    /// hnswlib's normalisation for cosine: x / (‖x‖ + 1e-30), so a zero vector stays zero
    /// (distance 1 to everything) instead of turning into NaN.
    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.withUnsafeBufferPointer { dot($0.baseAddress!, $0.baseAddress!, $0.count) }
        let scale = 1 / (norm.squareRoot() + 1e-30)
        return vector.map { $0 * scale }
    }
}
