/// Record metadata held by key, one column per key with a value (or nil) per row: a filter
/// such as `{"bucket": 7}` walks one contiguous column instead of hashing into every
/// record's dictionary. A column may be shorter than the collection; missing rows are nil.
struct MetadataColumns {
    private(set) var count = 0
    private var columns: [String: [MetadataValue?]] = [:]
    /// Keys that have held a sparse vector: each gets an inverted index.
    private(set) var sparseKeys: Set<String> = []

    /// The value of `key` at each row (shorter than `count` when the last rows lack the key).
    func column(_ key: String) -> [MetadataValue?] { columns[key] ?? [] }

    mutating func append(_ metadata: Metadata?) {
        count += 1
        for (key, value) in metadata ?? [:] { set(key, value, row: count - 1) }
    }

    mutating func replace(row: Int, with metadata: Metadata?) {
        for key in columns.keys where metadata?[key] == nil && row < columns[key]!.count {
            columns[key]![row] = nil
        }
        for (key, value) in metadata ?? [:] { set(key, value, row: row) }
    }

    /// Removes rows (ascending) from every column, as the matrix does.
    mutating func remove(rows: [Int]) {
        guard !rows.isEmpty else { return }
        for key in Array(columns.keys) {
            var column = columns.removeValue(forKey: key)!
            column.removeRows(rows)
            if column.contains(where: { $0 != nil }) { columns[key] = column }
        }
        count -= rows.count
    }

    private mutating func set(_ key: String, _ value: MetadataValue, row: Int) {
        if case .sparseVector = value { sparseKeys.insert(key) }
        var column = columns.removeValue(forKey: key) ?? []
        if column.count <= row { column.append(contentsOf: repeatElement(nil, count: row + 1 - column.count)) }
        column[row] = value
        columns[key] = column
    }
}
