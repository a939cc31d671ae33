/// The compact copy of a collection's matrix the first pass of a search reads: each row as
/// int8 codes (a quarter of the float32 bytes) with its scale, norm and compression error.
/// Row-aligned with `CollectionMatrix`, which keeps it in step on every change.
struct QuantizedRows {
    private(set) var stride = 0
    private(set) var codes = CodeBuffer()
    private(set) var rows: [Int8Code] = []

    var count: Int { rows.count }

    init() {}

    init(stride: Int, codes: CodeBuffer, rows: [Int8Code]) {
        self.stride = stride
        self.codes = codes
        self.rows = rows
    }

    mutating func reserve(_ count: Int, dimension: Int) {
        codes.reserveCapacity(count * Int8Code.stride(dimension))
        rows.reserveCapacity(count)
    }

    mutating func append(_ vector: [Float]) {
        if stride == 0 { stride = Int8Code.stride(vector.count) }
        codes.append(zeros: stride)
        rows.append(encode(vector, row: rows.count))
    }

    mutating func replace(row: Int, vector: [Float]) {
        rows[row] = encode(vector, row: row)
    }

    /// Moves surviving rows down over removed ones and drops the tail (see `CollectionMatrix.remove(rows:)`).
    mutating func compact(moving moves: [(from: Int, to: Int)], count newCount: Int) {
        codes.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for move in moves {
                rows[move.to] = rows[move.from]
                (base + move.to * stride).update(from: base + move.from * stride, count: stride)
            }
        }
        rows.removeLast(rows.count - newCount)
        codes.removeLast(codes.count - newCount * stride)
    }

    private mutating func encode(_ vector: [Float], row: Int) -> Int8Code {
        let stride = stride
        return vector.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { buffer in
                Int8Code(values, into: UnsafeMutableBufferPointer(rebasing: buffer[row * stride..<(row + 1) * stride]))
            }
        }
    }
}
