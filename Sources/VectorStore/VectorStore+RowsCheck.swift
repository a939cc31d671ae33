import GRDB

extension VectorStore {
    /// Where a collection's index came from when it was opened.
    public enum RowsSource: String, Sendable {
        /// Its snapshot and rows file, which carried the revision SQLite holds.
        case snapshot
        /// SQLite, into a new rows file (there was no current snapshot).
        case rebuilt
        /// SQLite, into a private file: another process owns the store's row files.
        case `private`
    }

    /// Opens the collection's index as a search would and compares it, row by row and bit for
    /// bit, with one built from SQLite now, and checks that its groups hold their members: a crash
    /// must never leave row files that answer differently from the store of record. Returns where the index came from; throws `storage`
    /// naming the first difference.
    public func checkRows(_ collectionID: String) throws -> RowsSource {
        let info = try collection(id: collectionID)
        return try indexes.index(for: info).read(info, database) { loaded in
            // Under the index's shared lock no write to the collection can commit, so SQLite
            // holds exactly what the index should.
            let (fresh, ids) = try database.read { db in
                var fresh = CollectionMatrix(space: info.space, dimension: loaded.matrix.dimension)
                var ids: [String] = []
                try db.forEachVector(collection: info.key) { seq, id, bytes in
                    try fresh.append(seq: seq, vector: Database.floats(bytes))
                    ids.append(id)
                }
                return (fresh, ids)
            }
            let matrix = loaded.matrix
            func differs(_ what: String) -> VectorStoreError {
                .storage("The index of collection \(info.name) differs from SQLite: \(what)")
            }
            guard matrix.seqs == fresh.seqs, loaded.ids == ids else { throw differs("records or their order") }
            let sameRows = matrix.vectors.withUnsafeBufferPointer { a in
                fresh.vectors.withUnsafeBufferPointer { b in a.elementsEqual(b) { $0.bitPattern == $1.bitPattern } }
            }
            guard sameRows else { throw differs("float rows") }
            guard matrix.quantized.sameRows(as: fresh.quantized) else { throw differs("int8 codes") }
            if let partition = loaded.partition {
                if let problem = partition.problem(in: matrix) { throw differs(problem) }
                guard matrix.quantized.rowOf == partition.order else { throw differs("codes not in the groups' order") }
            }
            if loaded.mapped { return .snapshot }
            return matrix.vectors.rowFile?.persistent == true ? .rebuilt : .private
        }
    }
}
