import CScanKernels
import CTransformerKernels
import Foundation

/// The first `width` coordinates of every row in the collection's principal axes, as int8 codes,
/// with what bounds the rest of the row. Real text embeddings keep most of their length in a
/// few hundred directions (MiniLM's: 90 % in 192 of 384), so q·x is known to within
/// ‖q⊥‖·‖x⊥‖ from these codes — half the bytes of the full ones. The codes are kept in two
/// parts: the first `headWidth` coordinates of every row, then the rest, each with its own
/// bounds. A search reads the first part for every row, the second only for rows the first
/// does not rule out, and the full codes only of the few rows whose bound still reaches the
/// k-th best (`TwoPassSearch.prefixPass`): where no grouping prunes (§13 of BENCHMARKS.md), this does.
///
/// Derived from the int8 codes alone (x̃ = scale · code, within the code's error of the row),
/// built in the background and saved with the snapshot (`RowSnapshot`), whose codes an open
/// maps; rows appended later are read in full.
struct PrefixCodes: Sendable {
    /// Coordinates kept by default: a multiple of 16 (the kernel's interleaving; 64 fills a
    /// register). 192 of MiniLM's 384 leave ~1 % of real text rows to read in full.
    static let defaultWidth = 192
    /// Coordinates every search reads (a multiple of 16): 96 leave ~1 % of MiniLM's real text rows
    /// for the second part at a quarter of the full codes' bytes (BENCHMARKS §19's study).
    /// `THOTH_SEARCH_PREFIX_HEAD` sets it (equal to the width: one part; benchmarks compare).
    static let defaultHeadWidth =
        ProcessInfo.processInfo.environment["THOTH_SEARCH_PREFIX_HEAD"].flatMap(Int.init).map {
            max(16, min(defaultWidth, $0 / 16 * 16))
        } ?? 96
    /// Below this many rows a plain pass costs too little to matter.
    static let minimumRows = 16_384
    /// `THOTH_SEARCH_PREFIX=0` turns it off (benchmarks compare).
    static let enabled = ProcessInfo.processInfo.environment["THOTH_SEARCH_PREFIX"] != "0"
    /// Built only when the axes hold at least this share of the rows' squared length: otherwise
    /// the bound on the rest is too wide to rule rows out.
    static let minimumShare = 0.75

    let dimension: Int
    let width: Int
    /// Coordinates in the first part (`width` when there is one part).
    let headWidth: Int
    /// The axes, `width` × `dimension`, row-major: orthonormal in Double, rounded to Float.
    let axes: [Float]
    /// ‖computed − exact‖ / ‖v‖ for a vector's coordinates on the axes computed in float32.
    let rotationError: Double
    /// Head codes for rows 0..<count: their first `headWidth` bytes, interleaved by 16 rows as
    /// `scan_u8i8_prefix` reads them (the last block padded with zeros), then the other
    /// `width − headWidth` bytes, interleaved alike (`restOffset`).
    private(set) var codes: CodeBuffer
    /// What bounds the rest of each row beyond all `width` coordinates.
    private(set) var rows: [scan_prefix_info]
    /// What bounds the rest of each row beyond its first `headWidth` coordinates (empty with one part).
    private(set) var heads: [scan_prefix_info]
    /// Whether searches are ruling rows out with it (shared by copies).
    let verdict = GroupingVerdict()
    /// Whether searches gain from reading the first part of the codes alone, then the second
    /// for the rows it leaves, over reading both at once (shared by copies).
    let stepwise = GroupingVerdict()

    var count: Int { rows.count }

    /// Whether these rows suit a prefix: not L2 (its bounds need both norms), enough rows, codes
    /// in row order (no grouping).
    static func suits(_ matrix: CollectionMatrix, width: Int = defaultWidth, minimumRows: Int = minimumRows) -> Bool {
        enabled && matrix.space != .l2 && matrix.count >= minimumRows && matrix.dimension >= 2 * width
            && matrix.quantized.rowOf.isEmpty
    }

    /// The principal axes of a sample of `matrix`'s rows and every row's head code; nil when the
    /// axes hold too little of the rows' length to pay.
    /// `headWidth` coordinates (at most `width`, a multiple of 16) in the first part.
    init?(
        _ matrix: CollectionMatrix, width: Int = defaultWidth, headWidth: Int = defaultHeadWidth,
        minimumRows: Int = minimumRows
    ) {
        guard Self.suits(matrix, width: width, minimumRows: minimumRows), headWidth % 16 == 0, headWidth >= 16
        else { return nil }
        let dimension = matrix.dimension
        let basis = Self.principalAxes(matrix, width: width)
        self.dimension = dimension
        self.width = width
        self.headWidth = min(headWidth, width)
        axes = basis.map(Float.init)
        let unit = Double(Float.ulpOfOne) / 2
        // The float32 matrix product: γ_D · ‖v‖ per coordinate, √width of them; the axes' own
        // rounding; twice that, which also covers decoding scale · code in float32.
        rotationError = 2 * Double(width).squareRoot() * (Double(dimension + 2) * unit * 1.01 + unit)
        codes = CodeBuffer()
        rows = []
        heads = []
        guard encode(matrix) >= Self.minimumShare else { return nil }
    }

    /// Prefix codes as a snapshot kept them; nil when the parts do not fit together.
    init?(
        dimension: Int, width: Int, headWidth: Int, axes: [Float], rotationError: Double, codes: CodeBuffer,
        rows: [scan_prefix_info], heads: [scan_prefix_info]
    ) {
        guard width > 0, width % 16 == 0, headWidth % 16 == 0, (16...width).contains(headWidth),
            dimension >= 2 * width, axes.count == width * dimension, rotationError.isFinite, rotationError >= 0,
            codes.count == Self.codeBytes(rows: rows.count, width: width),
            heads.count == (headWidth < width ? rows.count : 0)
        else { return nil }
        self.dimension = dimension
        self.width = width
        self.headWidth = headWidth
        self.axes = axes
        self.rotationError = rotationError
        self.codes = codes
        self.rows = rows
        self.heads = heads
    }

    /// Bytes of head codes for `rows` rows: whole blocks of 16.
    static func codeBytes(rows: Int, width: Int) -> Int { (rows + 15) / 16 * 16 * width }

    /// Whether the codes are in two parts.
    var split: Bool { headWidth < width }
    /// Where the second part of the codes starts.
    var restOffset: Int { Self.codeBytes(rows: count, width: headWidth) }

    /// Codes the rows of `matrix` on the axes, block by block; the share of their squared length
    /// the heads hold.
    private mutating func encode(_ matrix: CollectionMatrix) -> Double {
        let dimension = self.dimension, width = self.width, quantized = matrix.quantized
        let block = 2048
        var packed = [Float](repeating: 0, count: tk_packed_size(width, dimension))
        tk_pack_panels(axes, &packed, width, dimension)
        var decoded = [Float](repeating: 0, count: block * dimension)
        var rotated = [Float](repeating: 0, count: block * width)
        let headWidth = self.headWidth, split = self.split
        let restOffset = Self.codeBytes(rows: matrix.count, width: headWidth), restWidth = width - headWidth
        codes.append(zeros: Self.codeBytes(rows: matrix.count, width: width))
        rows.reserveCapacity(matrix.count)
        if split { heads.reserveCapacity(matrix.count) }
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
                    rotated.withUnsafeBufferPointer { rotated in
                        for offset in 0..<count {
                            let row = start + offset
                            let info = code.withUnsafeMutableBufferPointer {
                                Int8Code(
                                    UnsafeBufferPointer(rebasing: rotated[offset * width..<(offset + 1) * width]),
                                    into: $0)
                            }
                            // Four bytes of the row after the same four of the 15 rows before it in its
                            // block; the second part's likewise, in its own blocks.
                            let lane = row % 16 * 4
                            for group in 0..<width / 4 {
                                let at =
                                    group < headWidth / 4
                                    ? row / 16 * 16 * headWidth + group * 64
                                    : restOffset + row / 16 * 16 * restWidth + (group - headWidth / 4) * 64
                                for byte in 0..<4 { target[at + lane + byte] = code[group * 4 + byte] }
                            }
                            let length = squares[offset].squareRoot()
                            let drift = rotationError * length
                            let head = rotated.baseAddress! + offset * width
                            let onAxes = Self.length(head, width)
                            // The error and reach over all `width` coordinates bound those over the
                            // first `headWidth` as well.
                            let error = Self.up(Double(info.error) + drift + Double(quantized.rows[row].error))
                            let reach = Self.up(Double(info.norm) + Double(info.error))
                            rows.append(
                                scan_prefix_info(
                                    scale: info.scale, code_sum: info.code_sum, error: error, reach: reach,
                                    tail: Self.up(Self.rest(of: length, beside: onAxes - drift))))
                            if split {
                                let onHead = Self.length(head, headWidth)
                                heads.append(
                                    scan_prefix_info(
                                        scale: info.scale, code_sum: code[0..<headWidth].reduce(0) { $0 + Int32($1) },
                                        error: error, reach: reach,
                                        tail: Self.up(Self.rest(of: length, beside: onHead - drift))))
                            }
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
        /// Its bounds for the first part alone (`info` with one part).
        let head: scan_prefix_query
    }

    /// `vector` (prepared) on the axes, coded as the first pass's query codes are (±64).
    func query(_ vector: [Float]) -> Query {
        let dimension = self.dimension, width = self.width
        var onAxes = [Float](repeating: 0, count: width)
        var squared = 0.0, headSquared = 0.0, firstSquared = 0.0
        for value in vector { squared += Double(value) * Double(value) }
        axes.withUnsafeBufferPointer { axes in
            vector.withUnsafeBufferPointer { vector in
                for axis in 0..<width {
                    var sum = 0.0
                    for d in 0..<dimension { sum += Double(axes[axis * dimension + d]) * Double(vector[d]) }
                    onAxes[axis] = Float(sum)
                    headSquared += sum * sum
                    if axis < headWidth { firstSquared += sum * sum }
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
        func bounds(_ onAxes: Double) -> scan_prefix_query {
            scan_prefix_query(
                scale: code.scale, norm: Self.up(length), error: Self.up(Double(code.error) + drift),
                tail: Self.up(Self.rest(of: length, beside: onAxes.squareRoot() - drift)),
                slack: Int8Code.slack(dimension: dimension))
        }
        let info = bounds(headSquared)
        return Query(bytes: Int8Code.queryBytes(codes), info: info, head: split ? bounds(firstSquared) : info)
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

    /// Lower bounds of the distances from `query` to `rows` (starting a block) into `lower`:
    /// from the first part of their codes alone, or from both. `scratch` holds twice `rows`
    /// rounded up to 16 sums. False when a bound is not finite.
    func bound(
        _ query: Query, rows: Range<Int>, firstPartOnly: Bool, scratch: UnsafeMutableBufferPointer<Int32>,
        into lower: UnsafeMutablePointer<Float>
    ) -> Bool {
        let headWidth = self.headWidth
        return codes.withUnsafeBufferPointer { codes in
            let head = codes.baseAddress! + rows.lowerBound * headWidth
            if firstPartOnly || !split {
                return (split ? heads : self.rows).withUnsafeBufferPointer { infos in
                    withUnsafePointer(to: split ? query.head : query.info) { info in
                        scan_u8i8_prefix(
                            query.bytes, info, head, infos.baseAddress! + rows.lowerBound, rows.count, headWidth,
                            scratch.baseAddress!, lower) == 0
                    }
                }
            }
            let rest = codes.baseAddress! + restOffset + rows.lowerBound * (width - headWidth)
            return self.rows.withUnsafeBufferPointer { infos in
                withUnsafePointer(to: query.info) { info in
                    scan_u8i8_prefix_rest(
                        query.bytes, info, head, rest, infos.baseAddress! + rows.lowerBound, rows.count, headWidth,
                        width - headWidth, scratch.baseAddress!, lower) == 0
                }
            }
        }
    }

    /// The bounds from both parts of the codes of rows `first + offset` for `offsets` (ascending),
    /// and how many blocks of 16 rows that read: both parts again, for those blocks only. A bound
    /// that is not finite rules nothing out.
    func bothParts(_ query: Query, _ offsets: [Int32], from first: Int) -> (bounds: [Float], blocks: Int) {
        var bounds: [Float] = [], blocks = 0
        bounds.reserveCapacity(offsets.count)
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 32) { sums in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { lower in
                var index = 0
                while index < offsets.count {
                    let block = (first + Int(offsets[index])) / 16 * 16
                    let finite = bound(
                        query, rows: block..<min(count, block + 16), firstPartOnly: false, scratch: sums,
                        into: lower.baseAddress!)
                    blocks += 1
                    while index < offsets.count, (block..<block + 16).contains(first + Int(offsets[index])) {
                        bounds.append(finite ? lower[first + Int(offsets[index]) - block] : -.infinity)
                        index += 1
                    }
                }
            }
        }
        return (bounds, blocks)
    }

    /// `value` as a Float no smaller than it.
    private static func up(_ value: Double) -> Float {
        let rounded = Float(value)
        return Double(rounded) >= value ? rounded : rounded.nextUp
    }
}
