import JSON

/// A sparse vector as Chroma stores it in metadata (BM25, SPLADE): strictly ascending
/// non-negative dimension `indices`, a finite value for each, optionally the token each
/// dimension stands for. On the wire: `{"#type": "sparse_vector", "indices", "values", "tokens"?}`.
public struct SparseVector: Sendable, Equatable, Hashable {
    public var indices: [UInt32]
    public var values: [Float]
    public var tokens: [String]?

    public static let typeTag = "sparse_vector"

    public init(indices: [UInt32], values: [Float], tokens: [String]? = nil) {
        self.indices = indices
        self.values = values
        self.tokens = tokens
    }

    public var json: JSONValue {
        var object: JSONObject = [
            "#type": .string(Self.typeTag), "indices": .array(indices.map { .int(Int64($0)) }),
            "values": .array(values.map { .double(Double($0)) }),
        ]
        if let tokens { object["tokens"] = .array(tokens.map { .string($0) }) }
        return .object(object)
    }

    /// Reads the wire form; nil when `json` is not tagged as a sparse vector.
    /// Throws when it is tagged but malformed, saying what is wrong.
    public init?(json: JSONValue) throws(VectorStoreError) {
        guard case .object(let object) = json, object["#type"] == .string(Self.typeTag) else { return nil }
        guard case .array(let rawIndices)? = object["indices"], case .array(let rawValues)? = object["values"] else {
            throw .invalidArgument("A sparse vector needs 'indices' and 'values' lists")
        }
        guard rawIndices.count == rawValues.count else {
            throw .invalidArgument(
                "Sparse vector indices and values must have the same length, got \(rawIndices.count) indices and "
                    + "\(rawValues.count) values")
        }
        var indices: [UInt32] = []
        indices.reserveCapacity(rawIndices.count)
        for raw in rawIndices {
            guard let index = raw.intValue, (0...Int64(UInt32.max)).contains(index) else {
                throw .invalidArgument("Sparse vector indices must be integers from 0 to \(UInt32.max)")
            }
            if let last = indices.last, UInt32(index) <= last {
                throw .invalidArgument("Sparse vector indices must be sorted in strictly ascending order")
            }
            indices.append(UInt32(index))
        }
        var values: [Float] = []
        values.reserveCapacity(rawValues.count)
        for raw in rawValues {
            guard let value = raw.doubleValue, Float(value).isFinite else {
                throw .invalidArgument("Sparse vector values must be finite numbers")
            }
            values.append(Float(value))
        }
        var tokens: [String]?
        if let rawTokens = object["tokens"], !rawTokens.isNull {
            guard case .array(let list) = rawTokens, list.count == indices.count else {
                throw .invalidArgument("Sparse vector tokens must be a list as long as its indices")
            }
            tokens = try list.map { token throws(VectorStoreError) in
                guard let text = token.stringValue else {
                    throw .invalidArgument("Sparse vector tokens must be strings")
                }
                return text
            }
        }
        self.init(indices: indices, values: values, tokens: tokens)
    }

    /// The dot product with another sparse vector (both sorted by index).
    public func dot(_ other: SparseVector) -> Float {
        var (i, j, sum) = (0, 0, Float(0))
        while i < indices.count, j < other.indices.count {
            if indices[i] == other.indices[j] {
                sum += values[i] * other.values[j]
                i += 1
                j += 1
            } else if indices[i] < other.indices[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }
}
