/// The k nearest rows seen so far: a bounded max-heap on (distance, row), so the worst kept
/// candidate is at the root and a new row costs one comparison unless it gets in.
/// Ties are broken by row number (insertion order), as Chroma does.
struct TopK {
    let k: Int
    private(set) var distances: [Float] = []
    private(set) var rows: [Int32] = []

    init(k: Int) {
        self.k = max(0, k)
        // A client's k (n_results) may be anything: reserve what a search plausibly keeps, grow past it.
        distances.reserveCapacity(min(self.k, 1024))
        rows.reserveCapacity(min(self.k, 1024))
    }

    /// The distance a row must beat to get in (infinity while the heap is not full).
    var threshold: Float { distances.count < k ? .infinity : distances[0] }
    /// Whether k distances are held (the threshold is finite from then on).
    var isFull: Bool { distances.count >= k }

    @inline(__always)
    mutating func insert(distance: Float, row: Int32) {
        if distances.count < k {
            distances.append(distance)
            rows.append(row)
            siftUp(distances.count - 1)
        } else if k > 0, Self.less(distance, row, distances[0], rows[0]) {
            distances[0] = distance
            rows[0] = row
            siftDown(0)
        }
    }

    /// The kept rows, nearest first.
    func sorted() -> [(distance: Float, row: Int32)] {
        zip(distances, rows).map { (distance: $0, row: $1) }.sorted {
            Self.less($0.distance, $0.row, $1.distance, $1.row)
        }
    }

    @inline(__always)
    private static func less(_ d1: Float, _ r1: Int32, _ d2: Float, _ r2: Int32) -> Bool {
        d1 < d2 || (d1 == d2 && r1 < r2)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(distances[parent], rows[parent], distances[child], rows[child]) else { return }
            distances.swapAt(parent, child)
            rows.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = distances.count
        while true {
            var largest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < count {
                if Self.less(distances[largest], rows[largest], distances[child], rows[child]) { largest = child }
            }
            if largest == parent { return }
            distances.swapAt(parent, largest)
            rows.swapAt(parent, largest)
            parent = largest
        }
    }
}
