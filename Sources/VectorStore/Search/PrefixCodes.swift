import CScanKernels
import CTransformerKernels
import Foundation

/// The first `width` coordinates of every row in the collection's principal axes, as int8 codes,
/// with what bounds the rest of the row. Real text embeddings keep most of their length in a
/// few hundred directions (MiniLM's: 90 % in 192 of 384), so q·x is known to within
/// ‖q⊥‖·‖x⊥‖ from these codes — half the bytes of the full ones. A search reads them for every
/// row and the full codes only of the few rows whose bound still reaches the k-th best
/// (`TwoPassSearch.prefixPass`): where no grouping prunes (§13 of BENCHMARKS.md), this does.
///
/// Derived from the int8 codes alone (x̃ = scale · code, within the code's error of the row),
/// built in the background and saved with the snapshot (`RowSnapshot`), whose codes an open
/// maps; rows appended later are read in full.
struct PrefixCodes: Sendable {
    /// Coordinates kept by default: a multiple of 16 (the kernel's interleaving; 64 fills a
    /// register). 192 of MiniLM's 384 leave ~1 % of real text rows to read in full.
    static let defaultWidth = 192
    /// Below this many rows a plain pass costs too little to matter.
    static let minimumRows = 16_384
    /// `THOTH_SEARCH_PREFIX=0` turns it off (benchmarks compare).
    static let enabled = ProcessInfo.processInfo.environment["THOTH_SEARCH_PREFIX"] != "0"
    /// Built only when the axes hold at least this share of the rows' squared length: otherwise
    /// the bound on the rest is too wide to rule rows out.
    static let minimumShare = 0.75

    let dimension: Int
    let width: Int
    /// The axes, `width` × `dimension`, row-major: orthonormal in Double, rounded to Float.
    let axes: [Float]
    /// ‖computed − exact‖ / ‖v‖ for a vector's coordinates on the axes computed in float32.
    let rotationError: Double
    /// Head codes, `width` bytes per row, for rows 0..<count, interleaved by 16 rows as
    /// `scan_u8i8_prefix` reads them (the last block padded with zeros).
    private(set) var codes: CodeBuffer
    private(set) var rows: [scan_prefix_info]
    /// Whether searches are ruling rows out with it (shared by copies).
    let verdict = GroupingVerdict()

    var count: Int { rows.count }

    /// Whether these rows suit a prefix: not L2 (its bounds need both norms), enough rows, codes
    /// in row order (no grouping).
    static func suits(_ matrix: CollectionMatrix, width: Int = defaultWidth, minimumRows: Int = minimumRows) -> Bool {
        enabled && matrix.space != .l2 && matrix.count >= minimumRows && matrix.dimension >= 2 * width
            && matrix.quantized.rowOf.isEmpty
    }

    /// The principal axes of a sample of `matrix`'s rows and every row's head code; nil when the
    /// axes hold too little of the rows' length to pay.
    init?(_ matrix: CollectionMatrix, width: Int = defaultWidth, minimumRows: Int = minimumRows) {
        guard Self.suits(matrix, width: width, minimumRows: minimumRows) else { return nil }
        let dimension = matrix.dimension
        let basis = Self.principalAxes(matrix, width: width)
        self.dimension = dimension
        self.width = width
        axes = basis.map(Float.init)
        let unit = Double(Float.ulpOfOne) / 2
        // The float32 matrix product: γ_D · ‖v‖ per coordinate, √width of them; the axes' own
        // rounding; twice that, which also covers decoding scale · code in float32.
        rotationError = 2 * Double(width).squareRoot() * (Double(dimension + 2) * unit * 1.01 + unit)
        codes = CodeBuffer()
        rows = []
        guard encode(matrix) >= Self.minimumShare else { return nil }
    }

    /// Prefix codes as a snapshot kept them; nil when the parts do not fit together.
    init?(dimension: Int, width: Int, axes: [Float], rotationError: Double, codes: CodeBuffer, rows: [scan_prefix_info])
    {
        guard width > 0, width % 16 == 0, dimension >= 2 * width, axes.count == width * dimension,
            rotationError.isFinite, rotationError >= 0, codes.count == Self.codeBytes(rows: rows.count, width: width)
        else { return nil }
        self.dimension = dimension
        self.width = width
        self.axes = axes
        self.rotationError = rotationError
        self.codes = codes
        self.rows = rows
    }

    /// Bytes of head codes for `rows` rows: whole blocks of 16.
    static func codeBytes(rows: Int, width: Int) -> Int { (rows + 15) / 16 * 16 * width }

    /// Codes the rows of `matrix` on the axes, block by block; the share of their squared length
    /// the heads hold.
    private mutating func encode(_ matrix: CollectionMatrix) -> Double {
        let dimension = self.dimension, width = self.width, quantized = matrix.quantized
        let block = 2048
        var packed = [Float](repeating: 0, count: tk_packed_size(width, dimension))
        tk_pack_panels(axes, &packed, width, dimension)
        var decoded = [Float](repeating: 0, count: block * dimension)
        var rotated = [Float](repeating: 0, count: block * width)
        codes.append(zeros: Self.codeBytes(rows: matrix.count, width: width))
        rows.reserveCapacity(matrix.count)
        var code = [Int8](repeating: 0, count: width)
        var total = 0.0, kept = 0.0
        quantized.codes.withUnsafeBufferPointer { source in
            for start in stride(from: 0, to: matrix.count, by: block) {
                let count = min(block, matrix.count - start)
                var squares = [Double](repeating: 0, count: count)
                for offset in 0..<count {
                    let row = start + offset, scale = quantized.rows[row].scale
                    let code = source.baseAddress! + row * quantized.stride
                    var integer = 0
                    for d in 0..<dimension {
                        decoded[offset * dimension + d] = scale * Float(code[d])
                        integer += Int(code[d]) * Int(code[d])
                    }
                    squares[offset] = Double(scale) * Double(scale) * Double(integer)
                }
                tk_matmul_bias(decoded, packed, nil, &rotated, width, count, width, dimension, nil)
                codes.withUnsafeMutableBufferPointer { target in
                    rotated.withUnsafeBufferPointer { heads in
                        for offset in 0..<count {
                            let row = start + offset
                            let info = code.withUnsafeMutableBufferPointer {
                                Int8Code(
                                    UnsafeBufferPointer(rebasing: heads[offset * width..<(offset + 1) * width]),
                                    into: $0)
                            }
                            // Four bytes of the row after the same four of the 15 rows before it in its block.
                            let block = row / 16 * 16 * width, lane = row % 16 * 4
                            for group in 0..<width / 4 {
                                for byte in 0..<4 { target[block + group * 64 + lane + byte] = code[group * 4 + byte] }
                            }
                            let length = squares[offset].squareRoot()
                            let drift = rotationError * length
                            let onAxes = Self.length(heads.baseAddress! + offset * width, width)
                            rows.append(
                                scan_prefix_info(
                                    scale: info.scale, code_sum: info.code_sum,
                                    error: Self.up(Double(info.error) + drift + Double(quantized.rows[row].error)),
                                    reach: Self.up(Double(info.norm) + Double(info.error)),
                                    tail: Self.up(Self.rest(of: length, beside: onAxes - drift))))
                            total += squares[offset]
                            kept += onAxes * onAxes
                        }
                    }
                }
            }
        }
        return total > 0 ? kept / total : 0
    }

    /// `width` orthonormal axes (row-major, Double) spanning the directions that hold most of
    /// the rows' squared length: subspace iteration on their second-moment matrix, estimated
    /// from a sample of decoded codes. The axes only steer which rows are read in full; the
    /// bounds hold for any orthonormal axes.
    private static func principalAxes(_ matrix: CollectionMatrix, width: Int) -> [Double] {
        let dimension = matrix.dimension, quantized = matrix.quantized
        let sampleCount = min(matrix.count, 16_384)
        // The sample transposed, dimension × sampleCount, so one product gives Σ x xᵀ.
        var transposed = [Float](repeating: 0, count: dimension * sampleCount)
        quantized.codes.withUnsafeBufferPointer { source in
            for column in 0..<sampleCount {
                let row = column * matrix.count / sampleCount, scale = quantized.rows[row].scale
                let code = source.baseAddress! + row * quantized.stride
                for d in 0..<dimension { transposed[d * sampleCount + column] = scale * Float(code[d]) }
            }
        }
        var packed = [Float](repeating: 0, count: tk_packed_size(dimension, sampleCount))
        tk_pack_panels(transposed, &packed, dimension, sampleCount)
        var moment = [Float](repeating: 0, count: dimension * dimension)
        tk_matmul_bias(transposed, packed, nil, &moment, dimension, dimension, dimension, sampleCount, nil)
        var packedMoment = [Float](repeating: 0, count: tk_packed_size(dimension, dimension))
        tk_pack_panels(moment, &packedMoment, dimension, dimension)
        // Start from the coordinates with the most weight; twelve rounds of X ← orth(X M).
        let start = (0..<dimension).sorted { moment[$0 * dimension + $0] > moment[$1 * dimension + $1] }
        var axes = [Double](repeating: 0, count: width * dimension)
        for (axis, d) in start.prefix(width).enumerated() { axes[axis * dimension + d] = 1 }
        var next = [Float](repeating: 0, count: width * dimension)
        for _ in 0..<12 {
            let current = axes.map(Float.init)
            tk_matmul_bias(current, packedMoment, nil, &next, dimension, width, dimension, dimension, nil)
            axes = orthonormal(next.map(Double.init), count: width, dimension: dimension)
        }
        return axes
    }

    /// Modified Gram–Schmidt, twice (so the rows are orthonormal to Double's precision); a row
    /// with nothing left beside the ones before it becomes a coordinate axis, made orthogonal to
    /// them in turn (with fewer rows than coordinates, one of those always has something left).
    private static func orthonormal(_ rows: [Double], count: Int, dimension: Int) -> [Double] {
        var result = rows
        result.withUnsafeMutableBufferPointer { r in
            func dot(_ a: Int, _ b: Int) -> Double {
                var sum = 0.0
                for d in 0..<dimension { sum += r[a * dimension + d] * r[b * dimension + d] }
                return sum
            }
            for axis in 0..<count {
                var replacement = 0
                while true {
                    for _ in 0..<2 {
                        for previous in 0..<axis {
                            let projection = dot(axis, previous)
                            for d in 0..<dimension {
                                r[axis * dimension + d] -= projection * r[previous * dimension + d]
                            }
                        }
                    }
                    let norm = dot(axis, axis).squareRoot()
                    if norm > 1e-6 {
                        for d in 0..<dimension { r[axis * dimension + d] /= norm }
                        break
                    }
                    for d in 0..<dimension { r[axis * dimension + d] = d == replacement ? 1 : 0 }
                    replacement += 1
                }
            }
        }
        return result
    }

    /// One query's side of the prefix pass: its head code as unsigned bytes and its bounds.
    struct Query {
        let bytes: [UInt8]
        let info: scan_prefix_query
    }

    /// `vector` (prepared) on the axes, coded as the first pass's query codes are (±64).
    func query(_ vector: [Float]) -> Query {
        let dimension = self.dimension, width = self.width
        var onAxes = [Float](repeating: 0, count: width)
        var squared = 0.0, headSquared = 0.0
        for value in vector { squared += Double(value) * Double(value) }
        axes.withUnsafeBufferPointer { axes in
            vector.withUnsafeBufferPointer { vector in
                for axis in 0..<width {
                    var sum = 0.0
                    for d in 0..<dimension { sum += Double(axes[axis * dimension + d]) * Double(vector[d]) }
                    onAxes[axis] = Float(sum)
                    headSquared += sum * sum
                }
            }
        }
        let length = squared.squareRoot()
        // The axes' rounding (computed in Double, no product error), and the rounding to Float.
        let drift = rotationError * length + Double(Float.ulpOfOne) * length
        var codes = [Int8](repeating: 0, count: width)
        let code = onAxes.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { Int8Code(values, into: $0, range: Int8Code.queryRange) }
        }
        let info = scan_prefix_query(
            scale: code.scale, norm: Self.up(length), error: Self.up(Double(code.error) + drift),
            tail: Self.up(Self.rest(of: length, beside: headSquared.squareRoot() - drift)),
            slack: Int8Code.slack(dimension: dimension))
        return Query(bytes: Int8Code.queryBytes(codes), info: info)
    }

    /// The length of what is left of a vector of length `length` beside a part of length at least
    /// `part` on orthonormal axes, rounded up: √(‖v‖² − ‖part‖²).
    private static func rest(of length: Double, beside part: Double) -> Double {
        let part = max(0, part * (1 - 1e-12))
        return max(0, length * length * (1 + 1e-12) - part * part).squareRoot()
    }

    private static func length(_ values: UnsafePointer<Float>, _ count: Int) -> Double {
        var sum = 0.0
        for index in 0..<count { sum += Double(values[index]) * Double(values[index]) }
        return sum.squareRoot()
    }

    /// `value` as a Float no smaller than it.
    private static func up(_ value: Double) -> Float {
        let rounded = Float(value)
        return Double(rounded) >= value ? rounded : rounded.nextUp
    }
}
