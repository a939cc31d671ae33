import JSON

/// A metadata filter in Chroma's `where` grammar.
///
///     {"color": "red"}                                  implicit $eq
///     {"n": {"$gte": 2}}                                one operator per field
///     {"$and": [{"color": "red"}, {"n": {"$lt": 5}}]}  logical combinations
public indirect enum Where: Sendable, Equatable {
    case and([Where])
    case or([Where])
    /// `$eq $ne $gt $gte $lt $lte` on one key.
    case compare(key: String, ComparisonOperator, MetadataValue)
    /// `$in` (or `$nin` when negated) on one key.
    case member(key: String, of: [MetadataValue], negated: Bool)
    /// `$contains` (or `$not_contains`) on an array-valued key.
    case arrayContains(key: String, MetadataValue, negated: Bool)
    /// Chroma 1.x's `{"#document": {...}}`: a document filter inside `where`.
    case document(WhereDocument)
    /// The Search API's `{"#id": {"$in": [...]}}` (`$nin` when negated; `$eq`, `$ne` for one id).
    case ids(Set<String>, negated: Bool)

    public enum ComparisonOperator: String, Sendable {
        case eq = "$eq", ne = "$ne", gt = "$gt", gte = "$gte", lt = "$lt", lte = "$lte"
    }

    /// Parses a `where` object. `{}` (what 0.4/0.5 clients send for "no filter") gives nil.
    public static func parse(_ json: JSONValue) throws(VectorStoreError) -> Where? {
        if case .object(let object) = json, object.isEmpty { return nil }
        return try parseClause(json)
    }

    private static func parseClause(_ json: JSONValue) throws(VectorStoreError) -> Where {
        guard case .object(let object) = json, object.count == 1, let (key, value) = object.members.first else {
            throw .invalidWhere
        }
        switch key {
        case "$and", "$or":
            guard case .array(let elements) = value else { throw .invalidWhere }
            var clauses: [Where] = []
            for element in elements { clauses.append(try parseClause(element)) }
            return key == "$and" ? .and(clauses) : .or(clauses)
        case "#document":
            guard let document = try WhereDocument.parse(value) else { throw .invalidWhere }
            return .document(document)
        case "#id":
            return try parseIDs(value)
        default:
            guard !key.isEmpty, !key.hasPrefix("$") else { throw .invalidWhere }
            return try parseField(key, value)
        }
    }

    private static func parseField(_ key: String, _ value: JSONValue) throws(VectorStoreError) -> Where {
        if let scalar = scalar(value) { return .compare(key: key, .eq, scalar) }
        guard case .object(let expression) = value, expression.count == 1,
            let (name, operand) = expression.members.first
        else { throw .invalidWhere }
        switch name {
        case "$eq", "$ne":
            guard let scalar = scalar(operand) else { throw .invalidWhere }
            return .compare(key: key, ComparisonOperator(rawValue: name)!, scalar)
        case "$gt", "$gte", "$lt", "$lte":
            guard let scalar = scalar(operand), scalar.number != nil else { throw .invalidWhere }
            return .compare(key: key, ComparisonOperator(rawValue: name)!, scalar)
        case "$in", "$nin":
            guard case .array(let elements) = operand, !elements.isEmpty else { throw .invalidWhere }
            var values: [MetadataValue] = []
            for element in elements {
                guard let scalar = scalar(element) else { throw .invalidWhere }
                if let first = values.first,
                    !(first.isSameKind(as: scalar) || (first.number != nil && scalar.number != nil))
                {
                    throw .invalidWhere
                }
                values.append(scalar)
            }
            return .member(key: key, of: values, negated: name == "$nin")
        case "$contains", "$not_contains":
            guard let scalar = scalar(operand) else { throw .invalidWhere }
            return .arrayContains(key: key, scalar, negated: name == "$not_contains")
        default:
            throw .invalidWhere
        }
    }

    private static func parseIDs(_ value: JSONValue) throws(VectorStoreError) -> Where {
        if let id = value.stringValue { return .ids([id], negated: false) }
        guard case .object(let expression) = value, expression.count == 1,
            let (name, operand) = expression.members.first
        else { throw .invalidWhere }
        switch name {
        case "$eq", "$ne":
            guard let id = operand.stringValue else { throw .invalidWhere }
            return .ids([id], negated: name == "$ne")
        case "$in", "$nin":
            guard case .array(let items) = operand else { throw .invalidWhere }
            let ids = items.compactMap(\.stringValue)
            guard ids.count == items.count else { throw .invalidWhere }
            return .ids(Set(ids), negated: name == "$nin")
        default:
            throw .invalidWhere
        }
    }

    private static func scalar(_ json: JSONValue) -> MetadataValue? {
        switch json {
        case .string, .int, .double, .bool: MetadataValue(json: json)
        default: nil
        }
    }
}

extension Where {
    /// The key a field clause tests (nil for `$and`, `$or` and `#document`).
    /// Whether it tests documents for substrings anywhere (`$contains`, `$not_contains`).
    var testsDocumentText: Bool {
        switch self {
        case .and(let clauses), .or(let clauses): clauses.contains(where: \.testsDocumentText)
        case .document(let filter): filter.testsText
        case .compare, .member, .arrayContains, .ids: false
        }
    }

    var fieldKey: String? {
        switch self {
        case .compare(let key, _, _), .member(let key, _, _), .arrayContains(let key, _, _): key
        case .and, .or, .document, .ids: nil
        }
    }

    /// Whether a record whose value for the clause's key is `stored` (nil: key absent)
    /// satisfies a field clause.
    func matches(_ stored: MetadataValue?) -> Bool {
        switch self {
        case .compare(_, let op, let operand):
            switch op {
            case .eq: return stored.map { Self.equal($0, operand) } ?? false
            case .ne: return !(stored.map { Self.equal($0, operand) } ?? false)
            case .gt, .gte, .lt, .lte:
                guard let number = stored?.number, let bound = operand.number else { return false }
                switch op {
                case .gt: return number > bound
                case .gte: return number >= bound
                case .lt: return number < bound
                default: return number <= bound
                }
            }
        case .member(_, let values, let negated):
            let found = stored.map { stored in values.contains { Self.equal(stored, $0) } } ?? false
            return found != negated
        case .arrayContains(_, let operand, let negated):
            var found = false
            if case .array(let elements) = stored { found = elements.contains { Self.equal($0, operand) } }
            return found != negated
        case .and, .or, .document, .ids:
            preconditionFailure("logical, document and id clauses are evaluated by FilterEvaluator")
        }
    }

    /// Chroma's equality: numbers compare by value (1 == 1.0), other kinds only with themselves;
    /// equality never looks inside arrays.
    static func equal(_ stored: MetadataValue, _ operand: MetadataValue) -> Bool {
        switch (stored, operand) {
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double): return stored.number == operand.number
        default: return false
        }
    }
}
