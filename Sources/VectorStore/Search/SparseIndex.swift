/// The inverted index of one sparse-vector metadata key: for each dimension, the rows whose
/// vector has it (ascending) and the value there. Built when a collection loads, kept in step
/// by every write, so a sparse search reads only the postings of the query's dimensions.
struct SparseIndex {
    struct Postings {
        var rows: [Int32] = []
        var values: [Float] = []
    }

    private(set) var postings: [UInt32: Postings] = [:]

    init(column: [MetadataValue?]) {
        for (row, value) in column.enumerated() {
            if case .sparseVector(let vector)? = value { add(row, vector) }
        }
    }

    /// How many rows have a value in `dimension` (what IDF counts).
    func frequency(of dimension: UInt32) -> Int { postings[dimension]?.rows.count ?? 0 }

    mutating func add(_ row: Int, _ vector: SparseVector) {
        let row = Int32(row)
        for (dimension, value) in zip(vector.indices, vector.values) {
            var list = postings.removeValue(forKey: dimension) ?? Postings()
            // Appends come in row order; a replaced row goes back in its place.
            let at = list.rows.last.map { $0 < row } ?? true ? list.rows.count : Self.insertionPoint(list.rows, row)
            list.rows.insert(row, at: at)
            list.values.insert(value, at: at)
            postings[dimension] = list
        }
    }

    mutating func remove(_ row: Int, _ vector: SparseVector) {
        let row = Int32(row)
        for dimension in vector.indices {
            guard var list = postings.removeValue(forKey: dimension) else { continue }
            let at = Self.insertionPoint(list.rows, row)
            if at < list.rows.count, list.rows[at] == row {
                list.rows.remove(at: at)
                list.values.remove(at: at)
            }
            if !list.rows.isEmpty { postings[dimension] = list }
        }
    }

    /// Drops `removed` rows (ascending) and renumbers the rest, as the matrix compacts.
    mutating func removeRows(_ removed: [Int]) {
        guard !removed.isEmpty else { return }
        for dimension in Array(postings.keys) {
            var list = postings.removeValue(forKey: dimension)!
            var write = 0
            var below = 0
            for read in list.rows.indices {
                let row = Int(list.rows[read])
                while below < removed.count, removed[below] < row { below += 1 }
                if below < removed.count, removed[below] == row { continue }
                list.rows[write] = Int32(row - below)
                list.values[write] = list.values[read]
                write += 1
            }
            list.rows.removeLast(list.rows.count - write)
            list.values.removeLast(list.values.count - write)
            if !list.rows.isEmpty { postings[dimension] = list }
        }
    }

    /// The `limit` rows (among `allowed`, all when nil) sharing a dimension with `query`, by
    /// Chroma's sparse measure `1 − query · row` ascending, ties in row order.
    func nearest(_ query: SparseVector, limit: Int, allowed: RowSet?, rowCount: Int) -> [(measure: Float, row: Int32)] {
        var scores = [Float](repeating: 0, count: rowCount)
        var seen = RowSet(capacity: rowCount)
        var touched: [Int32] = []
        for (dimension, weight) in zip(query.indices, query.values) {
            guard let list = postings[dimension] else { continue }
            list.rows.withUnsafeBufferPointer { rows in
                list.values.withUnsafeBufferPointer { values in
                    for index in rows.indices {
                        let row = Int(rows[index])
                        if !seen.contains(row) {
                            seen.insert(row)
                            touched.append(rows[index])
                        }
                        scores[row] += weight * values[index]
                    }
                }
            }
        }
        var top = TopK(k: limit)
        for row in touched where allowed?.contains(Int(row)) ?? true {
            top.insert(distance: 1 - scores[Int(row)], row: row)
        }
        return top.sorted().map { (measure: $0.distance, row: $0.row) }
    }

    private static func insertionPoint(_ rows: [Int32], _ row: Int32) -> Int {
        var (low, high) = (0, rows.count)
        while low < high {
            let middle = (low + high) / 2
            if rows[middle] < row { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
