import GRDB

extension VectorStore {
    /// Records matching all given conditions, in insertion order, `offset` and `limit` applied
    /// after filtering. Unknown ids are skipped.
    public func get(
        from collectionID: String, ids: [String]? = nil, where filter: Where? = nil,
        whereDocument: WhereDocument? = nil, limit: Int? = nil, offset: Int = 0, include: Include = .getDefault
    ) throws -> GetResult {
        if let limit, limit < 0 { throw VectorStoreError.invalidArgument("limit must not be negative") }
        if offset < 0 { throw VectorStoreError.invalidArgument("offset must not be negative") }
        let info = try collection(id: collectionID)
        try CollectionSchema.check(info.schema, where: filter, whereDocument: whereDocument)
        if ids?.isEmpty == true || limit == 0 { return GetResult(include: include) }
        let records: [StoredRecord]
        if filter == nil, whereDocument == nil {
            // Plain reads need no index: SQLite answers them from one snapshot.
            records = try database.read { db in
                guard let ids else {
                    return try db.records(collection: info.key, include: include, limit: limit, offset: offset)
                }
                let seqs = try db.seqs(collection: info.key, ids: ids)
                return try db.records(seqs: Self.page(seqs, limit: limit, offset: offset), include: include)
            }
        } else {
            let documentText = filter?.testsDocumentText == true || whereDocument?.testsText == true
            records = try indexes.index(for: info).read(
                info, database, metadata: filter != nil, documentText: documentText
            ) { loaded in
                try database.read { db in
                    let evaluator = FilterEvaluator(index: loaded, collection: info.key, db: db)
                    let rows = try Self.candidateRows(evaluator, ids: ids, filter, whereDocument)
                    let seqs = rows?.rows.map { loaded.matrix.seqs[$0] } ?? loaded.matrix.seqs
                    return try db.records(seqs: Self.page(seqs, limit: limit, offset: offset), include: include)
                }
            }
        }
        var result = GetResult(include: include)
        for record in records { result.append(record) }
        return result
    }

    /// The first `limit` records with embeddings, documents and metadata.
    public func peek(_ collectionID: String, limit: Int = 10) throws -> GetResult {
        try get(from: collectionID, limit: limit, include: [.embeddings, .documents, .metadatas])
    }

    public func count(_ collectionID: String) throws -> Int {
        let info = try collection(id: collectionID)
        // SQLite counts by walking an index: milliseconds at 100k records.
        if let count = try indexes.index(for: info).loadedCount { return count }
        return try database.read { try $0.recordCount(collection: info.key) }
    }

    /// The `nResults` nearest records to each query embedding, nearest first (ties in insertion
    /// order), among the records matching all given conditions. Exact: every candidate is scored.
    public func query(
        _ collectionID: String, embeddings queries: [[Float]], nResults: Int = 10, where filter: Where? = nil,
        whereDocument: WhereDocument? = nil, ids: [String]? = nil, include: Include = .queryDefault
    ) throws -> QueryResult {
        if nResults < 0 { throw VectorStoreError.invalidArgument("n_results must not be negative") }
        let info = try collection(id: collectionID)
        try CollectionSchema.check(info.schema, where: filter, whereDocument: whereDocument)
        for query in queries {
            if query.isEmpty {
                throw VectorStoreError.invalidArgument(
                    "Validation error: query_embeddings: Each embedding must have at least 1 dimension")
            }
            if !query.allSatisfy(\.isFinite) {
                throw VectorStoreError.invalidArgument(
                    "Validation error: query_embeddings: Embeddings must not contain NaN or Infinity values")
            }
            try RecordValidation.checkDimension(query.count, against: info)
        }
        let empty = QueryResult(
            results: queries.map { _ in GetResult(include: include) },
            distances: include.contains(.distances) ? queries.map { _ in [] } : nil, include: include)
        if let ids, !ids.isEmpty {
            let found = try database.read { try $0.seqs(collection: info.key, ids: ids) }
            if found.count < Set(ids).count {
                throw VectorStoreError.recordsNotFound("Error executing plan: Internal error: Error finding id")
            }
        }
        guard info.dimension != nil, nResults > 0, !queries.isEmpty, ids?.isEmpty != true else { return empty }

        let index = try indexes.index(for: info)
        // Ids and distances come from memory; only filters and stored fields need SQLite.
        let needsDatabase =
            filter != nil || whereDocument != nil || ids != nil || !include.subtracting(.distances).isEmpty
        let documentText = filter?.testsDocumentText == true || whereDocument?.testsText == true
        let (neighbours, records) = try index.read(
            info, database, searching: true, metadata: filter != nil, documentText: documentText
        ) {
            loaded in
            // The loaded matrix may have gained its dimension after `info` was read.
            if loaded.matrix.count > 0, queries[0].count != loaded.matrix.dimension {
                throw VectorStoreError.invalidArgument(
                    "Collection expecting embedding with dimension of \(loaded.matrix.dimension), got \(queries[0].count)"
                )
            }
            func search(_ candidates: RowSet?) -> (neighbours: [[(Int64, Float)]], rows: [Int]) {
                // No more neighbours than rows, however many were asked for.
                let k = min(nResults, loaded.matrix.count)
                let found = ExactSearch.search(
                    loaded.matrix, queries: queries, k: k, candidates: candidates, batcher: index.batcher,
                    partition: loaded.partition)
                let rows = Set(found.joined().map { Int($0.row) }).sorted()
                return (found.map { $0.map { (loaded.matrix.seqs[Int($0.row)], $0.distance) } }, rows)
            }
            guard needsDatabase else {
                let (neighbours, rows) = search(nil)
                return (neighbours, rows.map { StoredRecord(seq: loaded.matrix.seqs[$0], id: loaded.ids[$0]) })
            }
            return try database.read { db in
                let evaluator = FilterEvaluator(index: loaded, collection: info.key, db: db)
                let (neighbours, rows) = search(try Self.candidateRows(evaluator, ids: ids, filter, whereDocument))
                return (neighbours, try db.records(seqs: rows.map { loaded.matrix.seqs[$0] }, include: include))
            }
        }
        let bySeq = Dictionary(uniqueKeysWithValues: records.map { ($0.seq, $0) })
        var result = empty
        for (queryIndex, hits) in neighbours.enumerated() {
            for (seq, distance) in hits {
                guard let record = bySeq[seq] else { continue }
                result.results[queryIndex].append(record)
                result.distances?[queryIndex].append(distance)
            }
        }
        return result
    }

    // MARK: - Shared read helpers

    /// Rows allowed by ids ∩ where ∩ whereDocument; nil when nothing restricts them.
    static func candidateRows(
        _ evaluator: FilterEvaluator, ids: [String]?, _ filter: Where?, _ whereDocument: WhereDocument?
    ) throws -> RowSet? {
        var rows: RowSet?
        func restrict(_ set: RowSet) {
            if rows == nil { rows = set } else { rows!.formIntersection(set) }
        }
        if let ids {
            restrict(evaluator.rowSet(seqs: try evaluator.db.seqs(collection: evaluator.collection, ids: ids)))
        }
        if let filter { restrict(try evaluator.rows(matching: filter)) }
        if let whereDocument { restrict(try evaluator.rows(matching: whereDocument)) }
        return rows
    }

    static func page(_ seqs: [Int64], limit: Int?, offset: Int) -> [Int64] {
        guard offset < seqs.count else { return [] }
        let end = limit.map { min(seqs.count, offset + $0) } ?? seqs.count
        return Array(seqs[offset..<end])
    }
}

extension GetResult {
    mutating func append(_ record: StoredRecord) {
        ids.append(record.id)
        embeddings?.append(record.embedding ?? [])
        documents?.append(record.document)
        uris?.append(record.uri)
        metadatas?.append(record.metadata)
    }
}
