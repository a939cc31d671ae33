/// A collection's vectors: one contiguous row-major float32 matrix in insertion (seq) order,
/// rows normalised for cosine, in memory or in a mapped file (`FloatRows`). SQLite is the truth;
/// this is a cache of it that the write path keeps in step. Next to the float32 rows it keeps
/// their int8 copy, in memory or mapped from the snapshot, which the first pass of a search reads.
struct CollectionMatrix {
    let space: DistanceSpace
    private(set) var dimension: Int
    /// Seq of each row, ascending: row order is insertion order.
    private(set) var seqs: [Int64] = []
    private(set) var vectors: FloatRows
    private(set) var quantized = QuantizedRows()
    /// The first rows on their principal axes, when built (`PrefixCodes`); rows appended since
    /// are read in full, and a change to a row it covers drops it until the next build.
    var prefix: PrefixCodes?

    /// An empty matrix in memory.
    init(space: DistanceSpace, dimension: Int) {
        self.space = space
        self.dimension = dimension
        vectors = FloatRows()
    }

    /// An empty matrix, its rows kept in `file`.
    init(space: DistanceSpace, dimension: Int, file: RowFile) throws {
        self.space = space
        self.dimension = dimension
        vectors = try FloatRows(file: file, count: 0)
    }

    /// The matrix a snapshot describes, its float rows in `file`.
    init(space: DistanceSpace, snapshot: RowSnapshot, file: RowFile) throws {
        self.space = space
        dimension = snapshot.dimension
        seqs = snapshot.seqs
        vectors = try FloatRows(file: file, count: snapshot.seqs.count * snapshot.dimension)
        quantized = QuantizedRows(
            stride: Int8Code.stride(dimension), codes: snapshot.codes, rows: snapshot.infos,
            rowOf: snapshot.groups.map { $0.members + $0.extras } ?? [])
        prefix = snapshot.prefix
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
    mutating func append(seq: Int64, vector: [Float]) throws {
        try append(seq: seq, prepared: prepared(vector))
    }

    /// Appends a row already prepared (normalised for cosine), such as another matrix's.
    mutating func append(seq: Int64, prepared vector: [Float]) throws {
        try append(seqs: [seq], prepared: [vector])
    }

    /// Appends rows (seqs ascending, each larger than every seq held) with one write of their values.
    mutating func append(seqs new: [Int64], vectors rows: [[Float]]) throws {
        try append(seqs: new, prepared: rows.map(prepared))
    }

    private mutating func append(seqs new: [Int64], prepared rows: [[Float]]) throws {
        guard let first = rows.first else { return }
        if dimension == 0 { dimension = first.count }
        var previous = seqs.last ?? .min
        for (seq, row) in zip(new, rows) {
            precondition(row.count == dimension && previous < seq)
            previous = seq
        }
        try vectors.append(contentsOf: rows.count == 1 ? first : Array(rows.joined()))
        seqs.append(contentsOf: new)
        for row in rows { quantized.append(row) }
    }

    /// Row `row` as it is kept for scoring.
    func vector(row: Int) -> [Float] { vectors[row * dimension..<(row + 1) * dimension] }

    mutating func replace(row: Int, vector: [Float]) throws {
        let prepared = prepared(vector)
        try vectors.replace(at: row * dimension, with: prepared)
        quantized.replace(row: row, vector: prepared)
        if let prefix, row < prefix.count { self.prefix = nil }
    }

    /// Removes rows (ascending), compacting the matrix in one pass so no ghost rows remain.
    mutating func remove(rows: [Int]) throws {
        guard !rows.isEmpty else { return }
        try vectors.remove(rows: rows, length: dimension)
        seqs.removeRows(rows)
        quantized.remove(rows: rows)
        if let prefix, rows[0] < prefix.count { self.prefix = nil }
    }

    /// Puts the int8 codes in `partition`'s order, so that a search reads each group in one run:
    /// `ordered` is that copy made beside the searches from these codes, unchanged since, or
    /// nil to make it here.
    mutating func orderCodes(by partition: ClusterPartition, ordered: QuantizedRows? = nil) {
        let ordered = ordered ?? quantized.ordered(by: partition.order)
        precondition(ordered.count == quantized.count && ordered.stride == quantized.stride)
        quantized = ordered
        prefix = nil
    }
}
