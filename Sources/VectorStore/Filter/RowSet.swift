/// A set of row numbers of one collection, as a bitset: filters produce them, search
/// scores only their members.
struct RowSet: Equatable, Sendable {
    private(set) var words: [UInt64]
    let capacity: Int

    init(capacity: Int, full: Bool = false) {
        self.capacity = capacity
        words = [UInt64](repeating: full ? ~0 : 0, count: (capacity + 63) / 64)
        if full { clearTail() }
    }

    static func all(_ capacity: Int) -> RowSet { RowSet(capacity: capacity, full: true) }

    mutating func insert(_ row: Int) { words[row >> 6] |= 1 << UInt64(row & 63) }

    func contains(_ row: Int) -> Bool { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    mutating func formIntersection(_ other: RowSet) {
        for index in words.indices { words[index] &= other.words[index] }
    }

    mutating func formUnion(_ other: RowSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    mutating func invert() {
        for index in words.indices { words[index] = ~words[index] }
        clearTail()
    }

    /// Row numbers in ascending order.
    func forEach(_ body: (Int) throws -> Void) rethrows {
        for (wordIndex, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                try body(wordIndex << 6 + bit)
                bits &= bits - 1
            }
        }
    }

    var rows: [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(count)
        forEach { rows.append($0) }
        return rows
    }

    private mutating func clearTail() {
        let extra = words.count * 64 - capacity
        if extra > 0, !words.isEmpty { words[words.count - 1] &= ~0 >> UInt64(extra) }
    }
}
