import Foundation
import GRDB

extension VectorStore {
    /// Chroma's Search API on one collection: each plan filtered, ranked (dense `$knn` exact,
    /// sparse `$knn` exact over the key's inverted index), grouped, paged and projected.
    /// Plans are checked whole before any is run.
    public func search(_ collectionID: String, _ plans: [SearchPlan]) throws -> [SearchPayloadResult] {
        let info = try collection(id: collectionID)
        for plan in plans {
            try CollectionSchema.check(info.schema, where: plan.filter, whereDocument: nil)
            for knn in plan.rank?.knns ?? [] {
                if case .dense(let vector) = knn.query {
                    try RecordValidation.checkDimension(vector.count, against: info)
                }
            }
        }
        let index = try indexes.index(for: info)
        return try plans.map { plan in
            try index.read(
                info, database, searching: plan.rank != nil, metadata: plan.readsMetadata,
                documentText: plan.filter?.testsDocumentText == true
            ) { loaded in
                try database.read { db in
                    try Self.run(plan, loaded: loaded, info: info, db: db, batcher: index.batcher)
                }
            }
        }
    }

    private static func run(
        _ plan: SearchPlan, loaded: CollectionIndex.Loaded, info: CollectionInfo, db: Database, batcher: ScanBatcher
    ) throws -> SearchPayloadResult {
        let count = loaded.matrix.count
        let allowed = try plan.filter.map {
            try FilterEvaluator(index: loaded, collection: info.key, db: db).rows(matching: $0)
        }
        var ranked: [(row: Int32, score: Float?)]
        if let rank = plan.rank {
            let lists = try rank.knns.map { knn in
                try nearest(knn, loaded: loaded, info: info, allowed: allowed, batcher: batcher)
            }
            var results = lists.makeIterator()
            ranked = rank.evaluate(&results).support.map { (row: $0.key, score: Optional($0.value)) }
            ranked.sort { Self.before($0.score!, $0.row, $1.score!, $1.row) }
        } else {
            ranked = (allowed?.rows ?? Array(0..<count)).map { (row: Int32($0), score: nil) }
        }
        if let groupBy = plan.groupBy { ranked = group(ranked, by: groupBy, metadata: loaded.metadata) }
        let start = min(plan.offset, ranked.count)
        let end = plan.limit.map { min(ranked.count, start + $0) } ?? ranked.count
        let page = ranked[start..<end]
        if page.contains(where: { $0.score.map { !$0.isFinite } ?? false }) {
            throw VectorStoreError.invalidArgument(
                "The rank expression gives a score that is not a finite number (a division by zero, or the "
                    + "logarithm of a number that is not positive?)")
        }
        return try project(Array(page), plan.select, loaded: loaded, db: db)
    }

    /// One `$knn`'s list, nearest first (ties in insertion order), among the allowed rows.
    private static func nearest(
        _ knn: RankExpression.Knn, loaded: CollectionIndex.Loaded, info: CollectionInfo, allowed: RowSet?,
        batcher: ScanBatcher
    ) throws -> [(measure: Float, row: Int32)] {
        let count = loaded.matrix.count
        switch knn.query {
        case .dense(let vector):
            guard count > 0 else { return [] }
            if vector.count != loaded.matrix.dimension {
                throw VectorStoreError.invalidArgument(
                    "Collection expecting embedding with dimension of \(loaded.matrix.dimension), got \(vector.count)")
            }
            let found = ExactSearch.search(
                loaded.matrix, queries: [vector], k: min(knn.limit, count), candidates: allowed, batcher: batcher,
                partition: loaded.partition)
            return found[0].map { (measure: $0.distance, row: $0.row) }
        case .sparse(var query):
            guard let index = loaded.sparse[knn.key] else { return [] }
            if knn.weighsByIDF ?? CollectionSchema.weighsByIDF(info.schema, key: knn.key) {
                // Chroma's BM25 weighting: idf(t) = ln(1 + (n − n_t + 0.5) / (n_t + 0.5)).
                let n = Float(count)
                query.values = zip(query.indices, query.values).map { dimension, value in
                    let documents = Float(index.frequency(of: dimension))
                    return value * log1p((n - documents + 0.5) / (documents + 0.5))
                }
            }
            return index.nearest(query, limit: knn.limit, allowed: allowed, rowCount: count)
        }
    }

    /// Chroma's `group_by`: records grouped by the values of the group keys; in each group the
    /// first `k` by the order keys (absent values first, as Chroma orders them); all of them
    /// back in score order.
    private static func group(
        _ ranked: [(row: Int32, score: Float?)], by groupBy: SearchPlan.GroupBy, metadata: MetadataColumns
    ) -> [(row: Int32, score: Float?)] {
        func value(_ key: String, _ entry: (row: Int32, score: Float?)) -> MetadataValue? {
            if key == "#score" { return entry.score.map { .double(Double($0)) } }
            let column = metadata.column(key)
            return Int(entry.row) < column.count ? column[Int(entry.row)] : nil
        }
        var groups: [[MetadataValue?]: [(row: Int32, score: Float?)]] = [:]
        var order: [[MetadataValue?]] = []
        for entry in ranked {
            let key = groupBy.keys.map { value($0, entry) }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry)
        }
        var kept: [(row: Int32, score: Float?)] = []
        for key in order {
            let members = groups[key]!.enumerated().sorted { a, b in
                let left = groupBy.orderKeys.map { value($0, a.element) }
                let right = groupBy.orderKeys.map { value($0, b.element) }
                if left == right { return a.offset < b.offset }
                return groupBy.descending ? MetadataOrder.less(right, left) : MetadataOrder.less(left, right)
            }
            kept += members.prefix(groupBy.k).map(\.element)
        }
        kept.sort { a, b in
            switch (a.score, b.score) {
            case (let x?, let y?): Self.before(x, a.row, y, b.row)
            default: a.row < b.row
            }
        }
        return kept
    }

    /// Reads the selected fields of the page's records.
    private static func project(
        _ page: [(row: Int32, score: Float?)], _ select: [String], loaded: CollectionIndex.Loaded, db: Database
    ) throws -> SearchPayloadResult {
        let wants = { (key: String) in select.contains(key) }
        let fields = select.filter { !SearchPlan.predefined.contains($0) }
        let wantsMetadata = wants("#metadata") || !fields.isEmpty
        var include: Include = []
        if wants("#document") { include.insert(.documents) }
        if wants("#embedding") { include.insert(.embeddings) }
        if wantsMetadata { include.insert(.metadatas) }
        var result = SearchPayloadResult(select: select)
        result.ids = page.map { loaded.ids[Int($0.row)] }
        if wants("#score") { result.scores = page.map(\.score) }
        guard !include.isEmpty else { return result }
        let records = try db.records(seqs: page.map { loaded.matrix.seqs[Int($0.row)] }, include: include)
        let bySeq = Dictionary(uniqueKeysWithValues: records.map { ($0.seq, $0) })
        let stored = page.map { bySeq[loaded.matrix.seqs[Int($0.row)]] }
        if wants("#document") { result.documents = stored.map { $0?.document } }
        if wants("#embedding") { result.embeddings = stored.map { $0?.embedding } }
        if wantsMetadata {
            result.metadatas = stored.map { record in
                guard var metadata = record?.metadata else { return nil }
                if !wants("#metadata") { metadata = metadata.filter { fields.contains($0.key) } }
                return metadata.isEmpty ? nil : metadata
            }
        }
        return result
    }

    /// Score order, lowest first; rows (insertion order) break ties; NaN sorts last.
    private static func before(_ a: Float, _ rowA: Int32, _ b: Float, _ rowB: Int32) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN != b.isNaN ? b.isNaN : rowA < rowB }
        return a < b || (a == b && rowA < rowB)
    }
}

/// How `group_by` orders metadata values: absent first, then by kind (booleans, numbers,
/// strings), numbers by value, strings and booleans as themselves.
enum MetadataOrder {
    static func less(_ left: [MetadataValue?], _ right: [MetadataValue?]) -> Bool {
        for (a, b) in zip(left, right) where a != b {
            return less(a, b)
        }
        return false
    }

    static func less(_ a: MetadataValue?, _ b: MetadataValue?) -> Bool {
        switch (a, b) {
        case (nil, _?): return true
        case (_?, nil), (nil, nil): return false
        case (let a?, let b?):
            if let x = a.number, let y = b.number { return x < y }
            switch (a, b) {
            case (.string(let x), .string(let y)): return x < y
            case (.bool(let x), .bool(let y)): return !x && y
            default: return rank(a) < rank(b)
            }
        }
    }

    private static func rank(_ value: MetadataValue) -> Int {
        switch value {
        case .bool: 0
        case .int, .double: 1
        case .string: 2
        case .array: 3
        case .sparseVector: 4
        }
    }
}

extension VectorStore {
    /// Waits until no grouping of `collectionID`'s rows is being built in the background, so a
    /// benchmark measures searches in their steady state rather than the switch-over.
    @_spi(Benchmarks) public func waitForBackgroundGrouping(_ collectionID: String) throws {
        try indexes.index(for: collection(id: collectionID)).waitForGrouping()
    }
}
