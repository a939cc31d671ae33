/// Indices of `values`, handed out lowest value first. A min-heap built in linear time: a
/// grouped search usually stops after a few groups, so it should not pay to sort them all.
struct LowestFirst {
    private var heap: [(value: Float, index: Int32)]

    init(_ values: [Float]) {
        heap = values.enumerated().map { (value: $0.element, index: Int32($0.offset)) }
        for parent in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(parent) }
    }

    /// The index and value of the lowest value not handed out yet; nil when none is left.
    mutating func next() -> (value: Float, index: Int)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return (first.value, Int(first.index))
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let child = right < heap.count && heap[right].value < heap[left].value ? right : left
            guard heap[child].value < heap[parent].value else { return }
            heap.swapAt(parent, child)
            parent = child
        }
    }
}
