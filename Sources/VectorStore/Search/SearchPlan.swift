import JSON

/// One search of Chroma's Search API: which records (`filter`, the `where` grammar with `#id`
/// and `#document`), in what order (`rank`; insertion order without one), at most `k` per group
/// (`groupBy`), which page (`offset`, `limit`), and which fields to return (`select`).
public struct SearchPlan: Sendable, Equatable {
    public var filter: Where?
    public var rank: RankExpression?
    public var groupBy: GroupBy?
    public var offset = 0
    public var limit: Int?
    /// Selected keys in Chroma's order: `#document`, `#embedding`, `#metadata`, `#score`, then
    /// metadata keys alphabetically.
    public var select: [String] = []

    /// `group_by`: records grouped by the values of `keys`; in each group the first `k` by
    /// `orderKeys` (`#score` or metadata keys), lowest first (`$min_k`) or highest (`$max_k`).
    public struct GroupBy: Sendable, Equatable {
        public var keys: [String]
        public var orderKeys: [String]
        public var k: Int
        public var descending: Bool
    }

    static let predefined = ["#document", "#embedding", "#metadata", "#score"]

    /// Whether running it reads the in-memory metadata columns: to filter, to group, or for a
    /// sparse `$knn` (whose inverted index is built from them).
    var readsMetadata: Bool {
        filter != nil || groupBy != nil
            || rank?.knns.contains {
                if case .sparse = $0.query { true } else { false }
            } == true
    }

    public init(
        filter: Where? = nil, rank: RankExpression? = nil, groupBy: GroupBy? = nil, offset: Int = 0, limit: Int? = nil,
        select: [String] = []
    ) {
        self.filter = filter
        self.rank = rank
        self.groupBy = groupBy
        self.offset = offset
        self.limit = limit
        self.select = select
    }

    /// Parses one entry of the request's `searches`, as the 1.5.9 client writes it.
    public static func parse(_ json: JSONValue) throws(VectorStoreError) -> SearchPlan {
        guard case .object(let fields) = json else { throw .invalidArgument("Each search must be an object") }
        for (field, _) in fields where !["filter", "rank", "group_by", "limit", "select"].contains(field) {
            throw .invalidArgument("Unknown search field '\(field)'")
        }
        var plan = SearchPlan()
        if let filter = fields["filter"], !filter.isNull {
            do {
                plan.filter = try Where.parse(filter)
            } catch {
                throw .invalidArgument("Invalid filter: \(filter)")
            }
        }
        if let rank = fields["rank"], !rank.isNull { plan.rank = try RankExpression.parse(rank) }
        if let group = fields["group_by"], !group.isNull { plan.groupBy = try parseGroupBy(group) }
        if let limit = fields["limit"], !limit.isNull {
            guard case .object(let page) = limit else { throw .invalidArgument("limit must be an object") }
            if let offset = page["offset"], !offset.isNull {
                guard let value = offset.intValue, value >= 0, value <= Int64(Int32.max) else {
                    throw .invalidArgument("limit offset must be a non-negative integer, got \(offset)")
                }
                plan.offset = Int(value)
            }
            if let count = page["limit"], !count.isNull {
                guard let value = count.intValue, value >= 0, value <= Int64(Int32.max) else {
                    throw .invalidArgument("limit limit must be a non-negative integer, got \(count)")
                }
                plan.limit = Int(value)
            }
        }
        if let select = fields["select"], !select.isNull {
            guard case .object(let object) = select, case .array(let keys)? = object["keys"] ?? .array([]) else {
                throw .invalidArgument("select must be {\"keys\": [...]}")
            }
            var names: [String] = []
            for key in keys {
                guard let name = key.stringValue, !name.isEmpty else {
                    throw .invalidArgument("select keys are strings")
                }
                if !names.contains(name) { names.append(name) }
            }
            plan.select = names.sorted { a, b in
                let (i, j) = (
                    predefined.firstIndex(of: a) ?? predefined.count, predefined.firstIndex(of: b) ?? predefined.count
                )
                return i != j ? i < j : a < b
            }
        }
        return plan
    }

    private static func parseGroupBy(_ json: JSONValue) throws(VectorStoreError) -> GroupBy? {
        guard case .object(let fields) = json else { throw .invalidArgument("group_by must be an object") }
        if fields.isEmpty { return nil }
        guard case .array(let rawKeys)? = fields["keys"], !rawKeys.isEmpty,
            case .object(let aggregate)? = fields["aggregate"], aggregate.count == 1,
            let (name, body) = aggregate.members.first, name == "$min_k" || name == "$max_k",
            case .object(let spec) = body, case .array(let rawOrder)? = spec["keys"], !rawOrder.isEmpty,
            let k = spec["k"]?.intValue, k > 0, k <= Int64(Int32.max)
        else {
            throw .invalidArgument(
                "group_by needs 'keys' and an 'aggregate' of $min_k or $max_k with 'keys' and a positive 'k'")
        }
        let keys = rawKeys.compactMap(\.stringValue)
        let order = rawOrder.compactMap(\.stringValue)
        guard keys.count == rawKeys.count, order.count == rawOrder.count else {
            throw .invalidArgument("group_by keys are strings")
        }
        return GroupBy(keys: keys, orderKeys: order, k: Int(k), descending: name == "$max_k")
    }
}

/// The answer to one search, column by column; a column is nil when the search did not select it.
public struct SearchPayloadResult: Sendable, Equatable {
    public var ids: [String] = []
    public var documents: [String?]?
    public var embeddings: [[Float]?]?
    public var metadatas: [Metadata?]?
    public var scores: [Float?]?
    public var select: [String]
}
