import GRDB

/// Turns `where` and `where_document` into the set of matching rows of one loaded collection.
/// Metadata clauses are tested against the in-memory metadata columns; document clauses go to
/// SQLite (the trigram index for `$contains` until the documents are in memory, a bounded
/// regex scan for `$regex`).
struct FilterEvaluator {
    let index: CollectionIndex.Loaded
    let collection: Int64
    let db: Database

    func rows(matching filter: Where) throws -> RowSet {
        let count = index.matrix.count
        switch filter {
        case .and(let clauses):
            return try combine(clauses, all: true) { try rows(matching: $0) }
        case .or(let clauses):
            return try combine(clauses, all: false) { try rows(matching: $0) }
        case .document(let documentFilter):
            return try rows(matching: documentFilter)
        case .ids(let ids, let negated):
            var result = RowSet(capacity: count)
            for (row, id) in index.ids.enumerated() where ids.contains(id) != negated { result.insert(row) }
            return result
        default:
            // One pass over the key's column; rows past its end lack the key.
            assert(index.hasMetadata, "a metadata filter on an index read without its metadata")
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
        switch filter {
        case .and(let clauses):
            return try combine(clauses, all: true) { try rows(matching: $0) }
        case .or(let clauses):
            return try combine(clauses, all: false) { try rows(matching: $0) }
        case .contains(let text):
            return try rows(containing: text)
        case .notContains(let text):
            var result = try rows(containing: text)
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

    /// From the documents in memory when they are, else from the trigram index.
    private func rows(containing text: String) throws -> RowSet {
        if let documents = index.documents { return documents.rows(containing: text) }
        return rowSet(seqs: try db.seqsOfDocuments(collection: collection, containing: text))
    }

    /// `$and` (intersection, all rows when empty) or `$or` (union, no rows when empty).
    private func combine<Clause>(_ clauses: [Clause], all: Bool, _ rows: (Clause) throws -> RowSet) rethrows -> RowSet {
        var result = RowSet(capacity: index.matrix.count, full: all)
        for clause in clauses {
            if all { result.formIntersection(try rows(clause)) } else { result.formUnion(try rows(clause)) }
        }
        return result
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
