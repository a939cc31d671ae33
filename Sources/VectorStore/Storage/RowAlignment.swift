/// Checks that a column read from SQLite in seq order lines up, record for record, with the
/// rows of a loaded index: a column that did not would answer for the wrong records.
struct RowAlignment {
    let seqs: [Int64]
    private var row = 0

    init(seqs: [Int64]) { self.seqs = seqs }

    /// The next record read is `seq`.
    mutating func next(_ seq: Int64) throws {
        guard row < seqs.count, seqs[row] == seq else {
            throw VectorStoreError.storage("record \(seq) is not in the loaded index")
        }
        row += 1
    }

    /// Every loaded row was read.
    func finish() throws {
        guard row == seqs.count else {
            throw VectorStoreError.storage("\(seqs.count - row) loaded records have no row in the database")
        }
    }
}
