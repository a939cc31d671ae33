extension Array {
    /// Removes the elements at `rows` (ascending; rows past the end are ignored), keeping the
    /// others in order, in one pass: how every row-aligned column of a collection compacts
    /// when records are deleted.
    mutating func removeRows(_ rows: [Int]) {
        var write = 0, next = 0
        for read in indices {
            while next < rows.count, rows[next] < read { next += 1 }
            if next < rows.count, rows[next] == read { continue }
            if write != read { self[write] = self[read] }
            write += 1
        }
        removeLast(count - write)
    }
}
