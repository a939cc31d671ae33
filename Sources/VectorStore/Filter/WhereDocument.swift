import JSON

/// A document filter in Chroma's `where_document` grammar: substring and regular-expression
/// tests on the record's document, combined with `$and` / `$or`.
public indirect enum WhereDocument: Sendable, Equatable {
    /// Case-sensitive plain substring.
    case contains(String)
    /// Also matches records without a document.
    case notContains(String)
    /// Unanchored regular-expression search.
    case regex(String)
    /// Also matches records without a document.
    case notRegex(String)
    case and([WhereDocument])
    case or([WhereDocument])

    /// Whether it tests for substrings anywhere (`$contains`, `$not_contains`).
    var testsText: Bool {
        switch self {
        case .contains, .notContains: true
        case .regex, .notRegex: false
        case .and(let clauses), .or(let clauses): clauses.contains(where: \.testsText)
        }
    }

    /// Parses a `where_document` object. `{}` (sent by 0.4/0.5 clients for "no filter") gives nil.
    public static func parse(_ json: JSONValue) throws(VectorStoreError) -> WhereDocument? {
        if case .object(let object) = json, object.isEmpty { return nil }
        return try parseClause(json)
    }

    private static func parseClause(_ json: JSONValue) throws(VectorStoreError) -> WhereDocument {
        guard case .object(let object) = json, object.count == 1, let (key, value) = object.members.first else {
            throw .invalidWhereDocument
        }
        switch key {
        case "$and", "$or":
            guard case .array(let elements) = value else { throw .invalidWhereDocument }
            var clauses: [WhereDocument] = []
            for element in elements { clauses.append(try parseClause(element)) }
            return key == "$and" ? .and(clauses) : .or(clauses)
        case "$contains", "$not_contains", "$regex", "$not_regex":
            guard case .string(let operand) = value else { throw .invalidWhereDocument }
            switch key {
            case "$contains": return .contains(operand)
            case "$not_contains": return .notContains(operand)
            case "$regex": return .regex(operand)
            default: return .notRegex(operand)
            }
        default:
            throw .invalidWhereDocument
        }
    }
}
