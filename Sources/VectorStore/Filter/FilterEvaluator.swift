import GRDB

/// Turns `where` and `where_document` into the set of matching rows of one loaded collection.
/// Metadata clauses are tested against the in-memory metadata columns; document clauses go to
/// SQLite (the trigram index for `$contains`, a bounded regex scan for `$regex`).
struct FilterEvaluator {
    let index: CollectionIndex.Loaded
    let collection: Int64
    let db: Database

    func rows(matching filter: Where) throws -> RowSet {
        let count = index.matrix.count
        switch filter {
        case .and(let clauses):
            var result = RowSet.all(count)
            for clause in clauses { result.formIntersection(try rows(matching: clause)) }
            return result
        case .or(let clauses):
            var result = RowSet(capacity: count)
            for clause in clauses { result.formUnion(try rows(matching: clause)) }
            return result
        case .document(let documentFilter):
            return try rows(matching: documentFilter)
        default:
            // One pass over the key's column; rows past its end lack the key.
            var result = RowSet(capacity: count)
            let column = index.metadata.column(filter.fieldKey!)
            for (row, value) in column.enumerated() where filter.matches(value) { result.insert(row) }
            if column.count < count, filter.matches(nil) {
                for row in column.count..<count { result.insert(row) }
            }
            return result
        }
    }

    func rows(matching filter: WhereDocument) throws -> RowSet {
        let count = index.matrix.count
        switch filter {
        case .and(let clauses):
            var result = RowSet.all(count)
            for clause in clauses { result.formIntersection(try rows(matching: clause)) }
            return result
        case .or(let clauses):
            var result = RowSet(capacity: count)
            for clause in clauses { result.formUnion(try rows(matching: clause)) }
            return result
        case .contains(let text):
            return rowSet(seqs: try db.seqsOfDocuments(collection: collection, containing: text))
        case .notContains(let text):
            var result = rowSet(seqs: try db.seqsOfDocuments(collection: collection, containing: text))
            result.invert()
            return result
        case .regex(let pattern), .notRegex(let pattern):
            let regex = try DocumentRegex(pattern)
            var seqs: [Int64] = []
            try db.forEachDocument(collection: collection) { seq, document in
                if try regex.matches(document) { seqs.append(seq) }
            }
            var result = rowSet(seqs: seqs.sorted())
            if case .notRegex = filter { result.invert() }
            return result
        }
    }

    /// Rows of the given seqs (seqs not in the matrix are ignored).
    func rowSet(seqs: [Int64]) -> RowSet {
        var result = RowSet(capacity: index.matrix.count)
        for seq in seqs {
            if let row = index.matrix.row(of: seq) { result.insert(row) }
        }
        return result
    }
}
