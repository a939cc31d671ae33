import JSON

/// One metadata value: Chroma allows strings, integers, floats, booleans, non-empty
/// homogeneous arrays of those, and sparse vectors. Integers and floats stay distinct.
public enum MetadataValue: Sendable, Equatable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([MetadataValue])
    case sparseVector(SparseVector)

    /// The numeric value, for comparisons where 1 == 1.0.
    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .array(let a): return .array(a.map(\.json))
        case .sparseVector(let vector): return vector.json
        }
    }

    /// Reads a scalar, array or sparse-vector value; nil for JSON that is not a valid metadata
    /// value (null, other objects, nested or mixed arrays, malformed sparse vectors).
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .bool(let b): self = .bool(b)
        case .array(let elements):
            var values: [MetadataValue] = []
            for element in elements {
                guard let value = MetadataValue(json: element), !value.isArray else { return nil }
                if let first = values.first, !first.isSameKind(as: value) { return nil }
                values.append(value)
            }
            self = .array(values)
        case .object:
            guard let vector = try? SparseVector(json: json) else { return nil }
            self = .sparseVector(vector)
        case .null: return nil
        }
    }

    var isArray: Bool { if case .array = self { true } else { false } }

    func isSameKind(as other: MetadataValue) -> Bool {
        switch (self, other) {
        case (.string, .string), (.int, .int), (.double, .double), (.bool, .bool), (.array, .array),
            (.sparseVector, .sparseVector):
            true
        default: false
        }
    }
}

/// A record's or collection's metadata.
public typealias Metadata = [String: MetadataValue]

/// A metadata change as upsert and update take it: a `nil` value deletes the key.
public typealias MetadataPatch = [String: MetadataValue?]

extension Dictionary where Key == String, Value == MetadataValue {
    /// The metadata as a JSON object, keys sorted for stable output.
    public var json: JSONValue {
        .object(JSONObject(sorted(by: { $0.key < $1.key }).map { (key: $0.key, value: $0.value.json) }))
    }

    /// Reads a JSON object of metadata values; nil when any value is not a valid metadata value.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        var metadata: Metadata = [:]
        for (key, value) in object {
            guard let value = MetadataValue(json: value) else { return nil }
            metadata[key] = value
        }
        self = metadata
    }
}
