import GRDB

extension VectorStore {
    /// Adds records. Ids that already exist are left unchanged (no error); within one batch the
    /// first occurrence of an id wins.
    public func add(to collectionID: String, _ batch: RecordBatch) throws {
        try write(collectionID, batch, .add) { db, info, changes, documents in
            for (i, id) in batch.ids.enumerated() {
                let embedding = batch.embeddings![i]!
                let metadata = RecordValidation.merge(nil, batch.metadatas?[i] ?? nil)
                if let seq = try db.insertRecord(
                    collection: info.key, id: id, embedding: embedding, document: batch.documents?[i] ?? nil,
                    uri: batch.uris?[i] ?? nil, metadata: metadata)
                {
                    changes.append(.append(seq, id, embedding, metadata, batch.documents?[i] ?? nil))
                    documents.inserted(seq)
                }
            }
        }
    }

    /// Inserts new ids and updates existing ones: the embedding is replaced, a nil document or
    /// URI keeps the stored one, metadata merges key by key (nil deletes). The last occurrence
    /// of an id in the batch wins; updated records keep their insertion position.
    public func upsert(to collectionID: String, _ batch: RecordBatch) throws {
        try write(collectionID, batch, .upsert) { db, info, changes, documents in
            for (i, id) in batch.ids.enumerated() {
                try Self.upsertOne(db, info, batch, i, id, insertMissing: true, &changes, &documents)
            }
        }
    }

    /// Updates existing records as `upsert` does; unknown ids are ignored, and a nil
    /// embedding keeps the stored one.
    public func update(in collectionID: String, _ batch: RecordBatch) throws {
        try write(collectionID, batch, .update) { db, info, changes, documents in
            for (i, id) in batch.ids.enumerated() {
                try Self.upsertOne(db, info, batch, i, id, insertMissing: false, &changes, &documents)
            }
        }
    }

    /// Deletes the records matching all given conditions (ids, `where`, `whereDocument`);
    /// `limit` (only with a filter) deletes the first matches in insertion order.
    /// Returns how many records were deleted.
    @discardableResult
    public func delete(
        from collectionID: String, ids: [String]? = nil, where filter: Where? = nil,
        whereDocument: WhereDocument? = nil, limit: Int? = nil
    ) throws -> Int {
        let hasFilter = filter != nil || whereDocument != nil
        if ids?.isEmpty == true, !hasFilter {
            throw VectorStoreError.invalidArgument(
                "Validation error: ids, where: Either ids or where must be specified")
        }
        if limit != nil, !hasFilter {
            throw VectorStoreError.invalidArgument("limit can only be specified when a where clause is provided")
        }
        if ids == nil, !hasFilter { return 0 }
        let info = try collection(id: collectionID)
        try CollectionSchema.check(info.schema, where: filter, whereDocument: whereDocument)
        let index = try indexes.index(for: info)
        return try index.write(info, database, load: hasFilter || index.snapshotOnDisk, metadata: hasFilter) {
            loaded in
            let (seqs, stamp) = try database.write { db -> ([Int64], Int64) in
                guard try db.collectionRow(id: info.id) != nil else {
                    throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
                }
                var seqs: [Int64]
                if hasFilter, let loaded {
                    let rows = try Self.candidateRows(
                        FilterEvaluator(index: loaded, collection: info.key, db: db), ids: ids, filter, whereDocument)
                    seqs = rows?.rows.map { loaded.matrix.seqs[$0] } ?? loaded.matrix.seqs
                } else {
                    seqs = try db.seqs(collection: info.key, ids: ids ?? [])
                }
                if let limit { seqs = Array(seqs.prefix(max(0, limit))) }
                for seq in seqs { try db.deleteRecord(seq: seq) }
                return (seqs, seqs.isEmpty ? 0 : try db.stampCollection(key: info.key))
            }
            if !seqs.isEmpty { Self.mirror(into: &loaded, stamp: stamp) { try $0.remove(seqs: seqs) } }
            return seqs.count
        }
    }

    // MARK: - Shared write path

    /// A change to mirror into the in-memory index after the transaction commits.
    enum IndexChange {
        case append(Int64, String, [Float], Metadata?, String?)
        /// The new embedding (nil: unchanged), metadata and document.
        case replace(Int64, [Float]?, Metadata?, String?)
    }

    /// Documents inserted in the current transaction and not yet in the trigram index: they
    /// are indexed with one statement at the end (or before one of them is updated, so the
    /// update trigger removes what really is in the index).
    struct PendingDocuments {
        private var firstSeq: Int64?

        mutating func inserted(_ seq: Int64) {
            if firstSeq == nil { firstSeq = seq }
        }

        mutating func beforeUpdate(of seq: Int64, _ db: Database) throws {
            if let firstSeq, seq >= firstSeq { try flush(db) }
        }

        mutating func flush(_ db: Database) throws {
            guard let firstSeq else { return }
            try db.indexDocuments(fromSeq: firstSeq)
            self.firstSeq = nil
        }
    }

    /// Validates the batch, runs `body` in one transaction under the collection's exclusive
    /// lock, indexes the documents it inserted, and mirrors the committed changes into the
    /// loaded index.
    private func write(
        _ collectionID: String, _ batch: RecordBatch, _ operation: RecordValidation.Operation,
        _ body: (Database, CollectionInfo, inout [IndexChange], inout PendingDocuments) throws -> Void
    ) throws {
        let dimension = try RecordValidation.validate(batch, for: operation)
        let info = try collection(id: collectionID)
        guard !batch.ids.isEmpty else { return }
        let index = try indexes.index(for: info)
        // A collection that never held a vector loads for free: loading it now keeps its index
        // in step from the first write, so the first search after an ingest has nothing to load.
        try index.write(info, database, load: info.dimension == nil || index.snapshotOnDisk) { loaded in
            let (changes, stamp) = try database.write { db -> ([IndexChange], Int64) in
                guard var current = try db.collectionRow(id: info.id) else {
                    throw VectorStoreError.notFound("Collection [\(info.id)] does not exist.")
                }
                try RecordValidation.checkDimension(dimension, against: current)
                if current.dimension == nil, let dimension, operation != .update {
                    try db.setCollectionDimension(key: current.key, dimension: dimension)
                    current.dimension = dimension
                }
                var changes: [IndexChange] = []
                var documents = PendingDocuments()
                try body(db, current, &changes, &documents)
                try documents.flush(db)
                // Keys seen for the first time join the schema in the same transaction.
                if let metadatas = batch.metadatas, CollectionSchema.discover(&current.schema, metadatas: metadatas) {
                    try db.setCollectionSchema(key: current.key, schema: current.schema)
                }
                return (changes, changes.isEmpty ? 0 : try db.stampCollection(key: current.key))
            }
            guard !changes.isEmpty else { return }
            Self.mirror(into: &loaded, stamp: stamp) { loaded in
                // Runs of appends go in at once: one write to the rows file per run.
                var appended: [CollectionIndex.Loaded.Appended] = []
                for change in changes {
                    switch change {
                    case .append(let seq, let id, let vector, let metadata, let document):
                        appended.append((seq, id, vector, metadata, document))
                    case .replace(let seq, let vector, let metadata, let document):
                        try loaded.append(appended)
                        appended = []
                        try loaded.replace(seq: seq, vector: vector, metadata: metadata, document: document)
                    }
                }
                try loaded.append(appended)
            }
        }
    }

    /// Applies a committed transaction's changes to the loaded index. The commit stands whatever
    /// happens here: if the index cannot follow (its rows file cannot be written), it is dropped
    /// and the next request rebuilds it from SQLite, or reports why it cannot.
    private static func mirror(
        into loaded: inout CollectionIndex.Loaded?, stamp: Int64, _ apply: (inout CollectionIndex.Loaded) throws -> Void
    ) {
        guard loaded != nil else { return }
        do {
            try apply(&loaded!)
            loaded!.stamp = stamp
        } catch {
            loaded = nil
        }
    }

    private static func upsertOne(
        _ db: Database, _ info: CollectionInfo, _ batch: RecordBatch, _ i: Int, _ id: String, insertMissing: Bool,
        _ changes: inout [IndexChange], _ documents: inout PendingDocuments
    ) throws {
        let embedding = batch.embeddings?[i] ?? nil
        let document = batch.documents?[i] ?? nil
        let uri = batch.uris?[i] ?? nil
        let patch = batch.metadatas?[i] ?? nil
        if let existing = try db.existingRecord(collection: info.key, id: id) {
            try documents.beforeUpdate(of: existing.seq, db)
            let metadata = RecordValidation.merge(existing.metadata, patch)
            try db.updateRecord(
                seq: existing.seq, embedding: embedding, document: document ?? existing.document,
                uri: uri ?? existing.uri, metadata: metadata)
            changes.append(.replace(existing.seq, embedding, metadata, document ?? existing.document))
        } else if insertMissing, let embedding {
            let metadata = RecordValidation.merge(nil, patch)
            guard
                let seq = try db.insertRecord(
                    collection: info.key, id: id, embedding: embedding, document: document, uri: uri, metadata: metadata
                )
            else { return }
            changes.append(.append(seq, id, embedding, metadata, document))
            documents.inserted(seq)
        }
    }
}
