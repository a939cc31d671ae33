import JSON
import VectorStore

/// Reads typed fields out of a request's JSON object with Chroma's error statuses: invalid
/// JSON is 400, JSON of the wrong shape 422.
struct WireFields {
    let object: JSONObject

    /// Parses a request body. An empty body counts as `{}` (some clients send none).
    init(body: [UInt8]) throws {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            object = JSONObject()
            return
        }
        let value: JSONValue
        do {
            value = try JSONReader.parse(body)
        } catch {
            throw ChromaHTTPError.invalidArgument("Failed to parse the request body as JSON: \(error)")
        }
        guard case .object(let object) = value else { throw ChromaHTTPError.unprocessable("expected a JSON object") }
        self.object = object
    }

    init(_ object: JSONObject) { self.object = object }

    /// The value of `key`, with JSON null read as absent.
    subscript(key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let string) = value else { throw ChromaHTTPError.unprocessable("\(key): expected a string") }
        return string
    }

    func requiredString(_ key: String) throws -> String {
        guard let value = try string(key) else { throw ChromaHTTPError.unprocessable("missing field `\(key)`") }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = self[key] else { return nil }
        guard case .bool(let bool) = value else { throw ChromaHTTPError.unprocessable("\(key): expected a boolean") }
        return bool
    }

    /// A non-negative integer (limits, offsets, n_results).
    func count(_ key: String) throws -> Int? {
        guard let value = self[key] else { return nil }
        guard let int = value.intValue, int >= 0, int <= Int64(Int32.max) else {
            throw ChromaHTTPError.unprocessable("\(key): expected a non-negative integer")
        }
        return Int(int)
    }

    func stringArray(_ key: String) throws -> [String]? {
        guard let value = self[key] else { return nil }
        guard case .array(let elements) = value else {
            throw ChromaHTTPError.unprocessable("\(key): expected an array")
        }
        return try elements.map { element in
            guard case .string(let string) = element else {
                throw ChromaHTTPError.unprocessable("\(key): expected an array of strings")
            }
            return string
        }
    }

    /// An array of strings or nulls (documents, uris).
    func optionalStringArray(_ key: String) throws -> [String?]? {
        guard let value = self[key] else { return nil }
        guard case .array(let elements) = value else {
            throw ChromaHTTPError.unprocessable("\(key): expected an array")
        }
        return try elements.map { element in
            switch element {
            case .null: return nil
            case .string(let string): return string
            default: throw ChromaHTTPError.unprocessable("\(key): expected strings or nulls")
            }
        }
    }

    /// Metadata of a collection: values must be valid metadata values (no nulls).
    func metadata(_ key: String) throws -> Metadata? {
        guard let value = self[key] else { return nil }
        guard let metadata = Metadata(json: value) else {
            throw ChromaHTTPError.unprocessable("\(key): expected an object of strings, numbers, booleans or arrays")
        }
        return metadata
    }

    /// A metadata object where null values mean "delete this key".
    static func metadataPatch(_ value: JSONValue, _ key: String) throws -> MetadataPatch {
        guard case .object(let object) = value else {
            throw ChromaHTTPError.unprocessable("\(key): expected an object")
        }
        var patch: MetadataPatch = [:]
        for (name, member) in object {
            if member.isNull {
                patch[name] = .some(nil)
            } else if let metadataValue = MetadataValue(json: member) {
                patch[name] = metadataValue
            } else {
                throw ChromaHTTPError.unprocessable("\(key): invalid metadata value for key \(name)")
            }
        }
        return patch
    }

    func metadataPatch(_ key: String) throws -> MetadataPatch? {
        try self[key].map { try Self.metadataPatch($0, key) }
    }

    func metadataPatches(_ key: String) throws -> [MetadataPatch?]? {
        guard let value = self[key] else { return nil }
        guard case .array(let elements) = value else {
            throw ChromaHTTPError.unprocessable("\(key): expected an array")
        }
        return try elements.map { $0.isNull ? nil : try Self.metadataPatch($0, key) }
    }

    func whereFilter() throws -> Where? {
        try self["where"].flatMap { try Where.parse($0) }
    }

    func whereDocument() throws -> WhereDocument? {
        try self["where_document"].flatMap { try WhereDocument.parse($0) }
    }

    /// `include`: names from documents, embeddings, metadatas, uris, distances (`data` is ignored).
    func include(default defaultValue: Include) throws -> Include {
        guard let names = try stringArray("include") else { return defaultValue }
        var include: Include = []
        for name in names where name != "data" {
            guard let option = Include.names.first(where: { $0.0 == name })?.1 else {
                throw ChromaHTTPError.unprocessable("include: unknown variant `\(name)`")
            }
            include.insert(option)
        }
        return include
    }

    /// Query embeddings: always float arrays.
    func floatVectors(_ key: String) throws -> [[Float]]? {
        guard let value = self[key] else { return nil }
        guard case .array(let rows) = value else { throw ChromaHTTPError.unprocessable("\(key): expected an array") }
        return try rows.map { row in
            guard case .array(let numbers) = row else {
                throw ChromaHTTPError.unprocessable("\(key): expected arrays of numbers")
            }
            return try numbers.map { number in
                guard let double = number.doubleValue else {
                    throw ChromaHTTPError.unprocessable("\(key): expected arrays of numbers")
                }
                return Float(double)
            }
        }
    }
}
