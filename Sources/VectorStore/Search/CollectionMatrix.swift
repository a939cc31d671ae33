import GRDB

/// A collection's vectors in memory: one contiguous row-major float32 matrix in insertion
/// (seq) order, rows normalised for cosine. SQLite is the truth; this is a cache of it that
/// the write path keeps in step. Next to the float32 rows it keeps their int8 copy, which the
/// first pass of a search reads.
struct CollectionMatrix {
    let space: DistanceSpace
    private(set) var dimension: Int
    /// Seq of each row, ascending: row order is insertion order.
    private(set) var seqs: [Int64] = []
    private(set) var vectors: [Float] = []
    private(set) var quantized = QuantizedRows()

    init(space: DistanceSpace, dimension: Int) {
        self.space = space
        self.dimension = dimension
    }

    var count: Int { seqs.count }

    /// The vector as it is kept for scoring (normalised for cosine).
    func prepared(_ vector: [Float]) -> [Float] {
        space == .cosine ? DistanceKernel.normalized(vector) : vector
    }

    /// The row holding `seq`, by binary search.
    func row(of seq: Int64) -> Int? {
        var low = 0, high = seqs.count
        while low < high {
            let mid = (low + high) / 2
            if seqs[mid] < seq { low = mid + 1 } else { high = mid }
        }
        return low < seqs.count && seqs[low] == seq ? low : nil
    }

    mutating func reserve(_ rows: Int) {
        seqs.reserveCapacity(rows)
        vectors.reserveCapacity(rows * dimension)
        quantized.reserve(rows, dimension: dimension)
    }

    /// Appends a row; `seq` must be larger than every seq held.
    mutating func append(seq: Int64, vector: [Float]) {
        append(seq: seq, prepared: prepared(vector))
    }

    /// Appends a row already prepared (normalised for cosine), such as another matrix's.
    mutating func append(seq: Int64, prepared vector: [Float]) {
        if dimension == 0 { dimension = vector.count }
        precondition(vector.count == dimension && (seqs.last ?? .min) < seq)
        seqs.append(seq)
        vectors.append(contentsOf: vector)
        quantized.append(vector)
    }

    /// Row `row` as it is kept for scoring.
    func vector(row: Int) -> [Float] { Array(vectors[row * dimension..<(row + 1) * dimension]) }

    /// Appends a row from raw stored bytes (the load path; cosine rows are normalised here).
    mutating func append(seq: Int64, storedBytes: UnsafeRawBufferPointer) {
        append(seq: seq, vector: Database.floats(storedBytes))
    }

    mutating func replace(row: Int, vector: [Float]) {
        let prepared = prepared(vector)
        vectors.replaceSubrange(row * dimension..<(row + 1) * dimension, with: prepared)
        quantized.replace(row: row, vector: prepared)
    }

    /// Removes rows (ascending), compacting the matrix in one pass so no ghost rows remain.
    mutating func remove(rows: [Int]) {
        guard !rows.isEmpty else { return }
        var moves: [(from: Int, to: Int)] = []
        var write = rows[0]
        var next = 0
        for read in rows[0]..<seqs.count {
            if next < rows.count, rows[next] == read {
                next += 1
                continue
            }
            moves.append((read, write))
            write += 1
        }
        let dimension = dimension
        vectors.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for move in moves {
                seqs[move.to] = seqs[move.from]
                (base + move.to * dimension).update(from: base + move.from * dimension, count: dimension)
            }
        }
        quantized.compact(moving: moves, count: write)
        seqs.removeLast(seqs.count - write)
        vectors.removeLast(vectors.count - write * dimension)
    }
}
