import Foundation
import JSON

/// A ranking of Chroma's Search API: nearest-neighbour lists (`$knn`) combined by arithmetic,
/// lower scores first. A record is ranked when it is in the results of every `$knn` without a
/// `default`, and of at least one `$knn`; a `$knn` with a `default` gives that score to the
/// records it did not find. `Rrf` reaches the server already compiled into this arithmetic.
public indirect enum RankExpression: Sendable, Equatable {
    case knn(Knn)
    case value(Float)
    case sum([RankExpression])
    case product([RankExpression])
    case maximum([RankExpression])
    case minimum([RankExpression])
    case difference(RankExpression, RankExpression)
    case quotient(RankExpression, RankExpression)
    case absolute(RankExpression)
    case exponential(RankExpression)
    case logarithm(RankExpression)

    /// One nearest-neighbour list: the `limit` records nearest to `query` under `key`
    /// (`#embedding`, or a metadata key holding sparse vectors), scored by distance or, with
    /// `returnRank`, by position (0, 1, 2, …).
    public struct Knn: Sendable, Equatable {
        public enum Query: Sendable, Equatable {
            case dense([Float])
            case sparse(SparseVector)
        }

        public var query: Query
        public var key: String
        public var limit: Int
        public var defaultScore: Float?
        public var returnRank: Bool
        /// Whether a sparse query is weighted by inverse document frequency; nil: as the key's
        /// sparse index says (`bm25`). Not on Chroma's wire: for callers in the process.
        public var weighsByIDF: Bool?

        public init(
            query: Query, key: String = "#embedding", limit: Int = 16, defaultScore: Float? = nil,
            returnRank: Bool = false, weighsByIDF: Bool? = nil
        ) {
            self.query = query
            self.key = key
            self.limit = limit
            self.defaultScore = defaultScore
            self.returnRank = returnRank
            self.weighsByIDF = weighsByIDF
        }
    }

    /// Deeper expressions than this are refused (the parser and evaluator recurse).
    public static let maximumDepth = 64
    /// The most records one `$knn` may consider.
    public static let maximumLimit = 100_000

    /// The `$knn` lists in the order the evaluator consumes them (depth first, left to right).
    public var knns: [Knn] {
        switch self {
        case .knn(let knn): [knn]
        case .value: []
        case .sum(let terms), .product(let terms), .maximum(let terms), .minimum(let terms): terms.flatMap(\.knns)
        case .difference(let left, let right), .quotient(let left, let right): left.knns + right.knns
        case .absolute(let inner), .exponential(let inner), .logarithm(let inner): inner.knns
        }
    }

    /// Parses the client's JSON form (`{"$knn": {...}}`, `{"$sum": [...]}`, `{"$val": 1}`, …).
    public static func parse(_ json: JSONValue, depth: Int = 0) throws(VectorStoreError) -> RankExpression {
        guard depth < maximumDepth else {
            throw .invalidArgument("The rank expression is nested more than \(maximumDepth) levels deep")
        }
        guard case .object(let object) = json, object.count == 1, let (name, operand) = object.members.first else {
            throw .invalidArgument("A rank expression must be an object with exactly one operator, got \(json)")
        }
        func list() throws(VectorStoreError) -> [RankExpression] {
            guard case .array(let items) = operand, !items.isEmpty else {
                throw .invalidArgument("\(name) requires a non-empty list of rank expressions")
            }
            var terms: [RankExpression] = []
            for item in items { terms.append(try parse(item, depth: depth + 1)) }
            return terms
        }
        func pair() throws(VectorStoreError) -> (RankExpression, RankExpression) {
            guard case .object(let sides) = operand, sides.count == 2, let left = sides["left"],
                let right = sides["right"]
            else { throw .invalidArgument("\(name) requires an object with 'left' and 'right'") }
            return (try parse(left, depth: depth + 1), try parse(right, depth: depth + 1))
        }
        switch name {
        case "$knn": return .knn(try parseKnn(operand))
        case "$val":
            guard let number = operand.doubleValue, Float(number).isFinite else {
                throw .invalidArgument("$val requires a finite number, got \(operand)")
            }
            return .value(Float(number))
        case "$sum": return .sum(try list())
        case "$mul": return .product(try list())
        case "$max": return .maximum(try list())
        case "$min": return .minimum(try list())
        case "$sub":
            let (left, right) = try pair()
            return .difference(left, right)
        case "$div":
            let (left, right) = try pair()
            return .quotient(left, right)
        case "$abs": return .absolute(try parse(operand, depth: depth + 1))
        case "$exp": return .exponential(try parse(operand, depth: depth + 1))
        case "$log": return .logarithm(try parse(operand, depth: depth + 1))
        default: throw .invalidArgument("Unknown rank operator '\(name)'")
        }
    }

    private static func parseKnn(_ json: JSONValue) throws(VectorStoreError) -> Knn {
        guard case .object(let fields) = json else { throw .invalidArgument("$knn requires an object") }
        for (field, _) in fields where !["query", "key", "limit", "default", "return_rank"].contains(field) {
            throw .invalidArgument("Unknown $knn field '\(field)'")
        }
        let key =
            try fields["key"].map { value throws(VectorStoreError) in
                guard let key = value.stringValue, !key.isEmpty else {
                    throw .invalidArgument("$knn key must be a string")
                }
                return key
            } ?? "#embedding"
        let query: Knn.Query
        switch fields["query"] {
        case .array(let items)?:
            var vector: [Float] = []
            vector.reserveCapacity(items.count)
            for item in items {
                guard let number = item.doubleValue, Float(number).isFinite else {
                    throw .invalidArgument("$knn query must hold finite numbers")
                }
                vector.append(Float(number))
            }
            guard !vector.isEmpty else { throw .invalidArgument("$knn query must not be empty") }
            query = .dense(vector)
        case let value?:
            guard let sparse = try SparseVector(json: value) else {
                throw .invalidArgument(
                    "$knn query must be a list of numbers or a sparse vector (a text query is embedded by the client)")
            }
            query = .sparse(sparse)
        case nil:
            throw .invalidArgument("$knn requires a query")
        }
        switch (query, key) {
        case (.dense, let key) where key != "#embedding":
            throw .invalidArgument("A dense $knn query searches '#embedding'; '\(key)' holds sparse vectors")
        case (.sparse, "#embedding"):
            throw .invalidArgument("A sparse $knn query needs the metadata key holding the sparse vectors")
        default: break
        }
        var limit = 16
        if let value = fields["limit"], !value.isNull {
            guard let number = value.intValue, number >= 1, number <= Int64(maximumLimit) else {
                throw .invalidArgument("$knn limit must be an integer from 1 to \(maximumLimit), got \(value)")
            }
            limit = Int(number)
        }
        var defaultScore: Float?
        if let value = fields["default"], !value.isNull {
            guard let number = value.doubleValue, Float(number).isFinite else {
                throw .invalidArgument("$knn default must be a finite number, got \(value)")
            }
            defaultScore = Float(number)
        }
        var returnRank = false
        if let value = fields["return_rank"], !value.isNull {
            guard case .bool(let flag) = value else { throw .invalidArgument("$knn return_rank must be a boolean") }
            returnRank = flag
        }
        return Knn(query: query, key: key, limit: limit, defaultScore: defaultScore, returnRank: returnRank)
    }
}

/// Scores of a set of rows (`support`) plus the score every other row gets (`fallback`; nil:
/// the other rows are out). Arithmetic on two domains follows Chroma's rules for defaults.
struct RankDomain {
    var support: [Int32: Float]
    var fallback: Float?

    static func flat(_ value: Float) -> RankDomain { RankDomain(support: [:], fallback: value) }

    func map(_ operation: (Float) -> Float) -> RankDomain {
        RankDomain(support: support.mapValues(operation), fallback: fallback.map(operation))
    }

    static func merge(_ left: RankDomain, _ right: RankDomain, _ operation: (Float, Float) -> Float) -> RankDomain {
        switch (left.fallback, right.fallback) {
        case (let leftDefault?, let rightDefault?):
            var support: [Int32: Float] = [:]
            for row in Set(left.support.keys).union(right.support.keys) {
                support[row] = operation(left.support[row] ?? leftDefault, right.support[row] ?? rightDefault)
            }
            return RankDomain(support: support, fallback: operation(leftDefault, rightDefault))
        case (let leftDefault?, nil):
            return RankDomain(
                support: right.support.reduce(into: [:]) { result, entry in
                    result[entry.key] = operation(left.support[entry.key] ?? leftDefault, entry.value)
                }, fallback: nil)
        case (nil, let rightDefault?):
            return RankDomain(
                support: left.support.reduce(into: [:]) { result, entry in
                    result[entry.key] = operation(entry.value, right.support[entry.key] ?? rightDefault)
                }, fallback: nil)
        case (nil, nil):
            return RankDomain(
                support: left.support.reduce(into: [:]) { result, entry in
                    if let other = right.support[entry.key] { result[entry.key] = operation(entry.value, other) }
                }, fallback: nil)
        }
    }
}

extension RankExpression {
    /// Evaluates the expression given each `$knn`'s results (in `knns` order, nearest first).
    func evaluate(_ results: inout IndexingIterator<[[(measure: Float, row: Int32)]]>) -> RankDomain {
        func fold(_ terms: [RankExpression], start: Float, _ operation: (Float, Float) -> Float) -> RankDomain {
            terms.reduce(RankDomain.flat(start)) { RankDomain.merge($0, $1.evaluate(&results), operation) }
        }
        switch self {
        case .knn(let knn):
            var support: [Int32: Float] = [:]
            for (position, hit) in (results.next() ?? []).enumerated() {
                support[hit.row] = knn.returnRank ? Float(position) : hit.measure
            }
            return RankDomain(support: support, fallback: knn.defaultScore)
        case .value(let value): return .flat(value)
        case .sum(let terms): return fold(terms, start: 0, +)
        case .product(let terms): return fold(terms, start: 1, *)
        case .maximum(let terms): return fold(terms, start: -Float.greatestFiniteMagnitude, Swift.max)
        case .minimum(let terms): return fold(terms, start: Float.greatestFiniteMagnitude, Swift.min)
        case .difference(let left, let right):
            let leftDomain = left.evaluate(&results)
            return .merge(leftDomain, right.evaluate(&results), -)
        case .quotient(let left, let right):
            let leftDomain = left.evaluate(&results)
            return .merge(leftDomain, right.evaluate(&results), /)
        case .absolute(let inner): return inner.evaluate(&results).map(Swift.abs)
        case .exponential(let inner): return inner.evaluate(&results).map { Foundation.exp($0) }
        case .logarithm(let inner): return inner.evaluate(&results).map { Foundation.log($0) }
        }
    }
}
