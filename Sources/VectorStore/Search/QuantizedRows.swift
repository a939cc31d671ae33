import Foundation

/// The compact copy of a collection's matrix the first pass of a search reads: each row as
/// int8 codes (a quarter of the float32 bytes) with its scale, norm and compression error.
/// Kept in step with `CollectionMatrix` on every change, one slot per row: slot = row, or, once
/// the rows are grouped, in the grouping's order (`ordered(by:)`), so that a search reads each
/// group it visits as one contiguous run instead of one scattered row at a time.
struct QuantizedRows {
    private(set) var stride = 0
    /// Codes by slot, `stride` bytes each.
    private(set) var codes = CodeBuffer()
    /// Scale, norm and error by slot.
    private(set) var rows: [Int8Code] = []
    /// The row in each slot and the slot of each row; both empty while slot = row.
    private(set) var rowOf: [Int32] = []
    private var slotOf: [Int32] = []

    var count: Int { rows.count }

    init() {}

    /// Codes read back in slot order; `rowOf` empty (slot = row) or a permutation of the rows.
    init(stride: Int, codes: CodeBuffer, rows: [Int8Code], rowOf: [Int32] = []) {
        self.stride = stride
        self.codes = codes
        self.rows = rows
        self.rowOf = rowOf
        slotOf = Self.inverse(rowOf)
    }

    /// The slot holding `row`.
    @inline(__always)
    func slot(of row: Int) -> Int { slotOf.isEmpty ? row : Int(slotOf[row]) }

    /// The row held in `slot`.
    @inline(__always)
    func row(in slot: Int) -> Int32 { rowOf.isEmpty ? Int32(slot) : rowOf[slot] }

    /// The slots of `rows`, ascending: the order the first pass reads them fastest in.
    func slots(of rows: [Int]) -> [Int32] {
        guard !slotOf.isEmpty else { return rows.map(Int32.init) }
        // Sorted through a bitmap of the slots: one bit per row, where a sort of a filter's
        // half a million rows would cost more than reading their codes.
        var marked = [UInt64](repeating: 0, count: (count + 63) / 64)
        for row in rows {
            let slot = Int(slotOf[row])
            marked[slot >> 6] |= 1 << UInt64(slot & 63)
        }
        var slots: [Int32] = []
        slots.reserveCapacity(rows.count)
        for (word, bits) in marked.enumerated() {
            var bits = bits
            while bits != 0 {
                slots.append(Int32(word << 6 | bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return slots
    }

    /// The same codes with slot i holding row `order[i]` (a permutation of the rows). A copy
    /// of every code: built beside the searches, then swapped in with the grouping it follows.
    func ordered(by order: [Int32]) -> QuantizedRows {
        precondition(order.count == count)
        var codes = CodeBuffer()
        codes.reserveCapacity(count * stride)
        codes.append(zeros: count * stride)
        var infos: [Int8Code] = []
        infos.reserveCapacity(count)
        self.codes.withUnsafeBufferPointer { source in
            codes.withUnsafeMutableBufferPointer { target in
                for (slot, row) in order.enumerated() {
                    let from = self.slot(of: Int(row))
                    (target.baseAddress! + slot * stride).update(
                        from: source.baseAddress! + from * stride, count: stride)
                    infos.append(rows[from])
                }
            }
        }
        return QuantizedRows(stride: stride, codes: codes, rows: infos, rowOf: order)
    }

    /// Whether every row has the same code and info in both, wherever their slots are.
    func sameRows(as other: QuantizedRows) -> Bool {
        guard count == other.count, stride == other.stride else { return false }
        return codes.withUnsafeBufferPointer { a in
            other.codes.withUnsafeBufferPointer { b in
                (0..<count).allSatisfy { row in
                    let x = slot(of: row), y = other.slot(of: row)
                    let info = withUnsafeBytes(of: rows[x]) { p in withUnsafeBytes(of: other.rows[y], p.elementsEqual) }
                    return info && memcmp(a.baseAddress! + x * stride, b.baseAddress! + y * stride, stride) == 0
                }
            }
        }
    }

    mutating func reserve(_ count: Int, dimension: Int) {
        codes.reserveCapacity(count * Int8Code.stride(dimension))
        rows.reserveCapacity(count)
    }

    /// Appends the next row, in the next slot.
    mutating func append(_ vector: [Float]) {
        if stride == 0 { stride = Int8Code.stride(vector.count) }
        let slot = rows.count
        if !rowOf.isEmpty {
            rowOf.append(Int32(slot))
            slotOf.append(Int32(slot))
        }
        codes.append(zeros: stride)
        rows.append(encode(vector, slot: slot))
    }

    mutating func replace(row: Int, vector: [Float]) {
        let slot = slot(of: row)
        rows[slot] = encode(vector, slot: slot)
    }

    /// Removes `removed` (ascending rows): the other slots keep their order and move down, and
    /// the rows after a removed one are numbered one less (see `CollectionMatrix.remove(rows:)`).
    mutating func remove(rows removed: [Int]) {
        guard !removed.isEmpty else { return }
        var gone = [Bool](repeating: false, count: count)
        for row in removed { gone[row] = true }
        let kept = (0..<count).filter { !gone[Int(row(in: $0))] }
        if !rowOf.isEmpty {
            // The rows left are numbered again from 0, in their old order.
            var newRow = [Int32](repeating: 0, count: count)
            var next: Int32 = 0
            for row in 0..<count where !gone[row] {
                newRow[row] = next
                next += 1
            }
            rowOf = kept.map { newRow[Int(rowOf[$0])] }
            slotOf = Self.inverse(rowOf)
        }
        let stride = stride
        codes.withUnsafeMutableBufferPointer { buffer in
            for (write, slot) in kept.enumerated() where write != slot {
                (buffer.baseAddress! + write * stride).update(from: buffer.baseAddress! + slot * stride, count: stride)
            }
        }
        for (write, slot) in kept.enumerated() where write != slot { rows[write] = rows[slot] }
        rows.removeLast(rows.count - kept.count)
        codes.removeLast(codes.count - kept.count * stride)
    }

    private mutating func encode(_ vector: [Float], slot: Int) -> Int8Code {
        let stride = stride
        return vector.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { buffer in
                Int8Code(
                    values, into: UnsafeMutableBufferPointer(rebasing: buffer[slot * stride..<(slot + 1) * stride]))
            }
        }
    }

    private static func inverse(_ order: [Int32]) -> [Int32] {
        var inverse = [Int32](repeating: 0, count: order.count)
        for (slot, row) in order.enumerated() { inverse[Int(row)] = Int32(slot) }
        return inverse
    }
}
