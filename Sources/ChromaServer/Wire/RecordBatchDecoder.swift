import JSON
import VectorStore

/// Decodes an add / upsert / update body. Embeddings, the bulk of the bytes, go straight
/// from the JSON text into `[Float]` — from number arrays or from base64 float32 strings —
/// without building a JSON tree for them.
enum RecordBatchDecoder {
    static func decode(_ body: [UInt8]) throws -> RecordBatch {
        var embeddings: Result<[[Float]?]?, ChromaHTTPError> = .success(nil)
        var others = JSONObject()
        do {
            try JSONReader.read(body) { reader throws(JSONError) in
                guard reader.peekKind() == .object else { throw JSONError("expected an object", offset: 0) }
                try reader.readObject { key, reader throws(JSONError) in
                    if key == "embeddings" {
                        embeddings = try readEmbeddings(&reader)
                    } else {
                        others[key] = try reader.readValue()
                    }
                }
            }
        } catch {
            throw ChromaHTTPError.invalidArgument("Failed to parse the request body as JSON: \(error)")
        }
        let fields = WireFields(others)
        guard let ids = try fields.stringArray("ids") else {
            throw ChromaHTTPError.unprocessable("missing field `ids`")
        }
        return RecordBatch(
            ids: ids, embeddings: try embeddings.get(), documents: try fields.optionalStringArray("documents"),
            uris: try fields.optionalStringArray("uris"), metadatas: try fields.metadataPatches("metadatas"))
    }

    /// `null`, or an array whose entries are number arrays, base64 strings or nulls. Broken
    /// JSON throws; JSON of the wrong shape is consumed and reported as a failure.
    private static func readEmbeddings(
        _ reader: inout JSONReader
    ) throws(JSONError) -> Result<[[Float]?]?, ChromaHTTPError> {
        if try reader.readNullIfPresent() { return .success(nil) }
        guard reader.peekKind() == .array else {
            _ = try reader.readValue()
            return .failure(.unprocessable("embeddings: expected an array"))
        }
        var rows: [[Float]?] = []
        var failure: ChromaHTTPError?
        try reader.readArray { reader throws(JSONError) in
            switch reader.peekKind() {
            case .array:
                let row = try reader.readFloatArray()
                if row == nil { failure = failure ?? .unprocessable("embeddings: expected arrays of numbers") }
                rows.append(row)
            case .string:
                let text = try reader.readRawString()
                switch Result(catching: { () throws(Base64Floats.DecodingError) in try Base64Floats.decode(text) }) {
                case .success(let row): rows.append(row)
                case .failure(let error):
                    failure = failure ?? base64Error(error)
                    rows.append(nil)
                }
            case .null:
                _ = try reader.readNullIfPresent()
                rows.append(nil)
            default:
                failure = failure ?? .unprocessable("embeddings: expected arrays of numbers or base64 strings")
                _ = try reader.readValue()
            }
        }
        return failure.map { .failure($0) } ?? .success(rows)
    }

    private static func base64Error(_ error: Base64Floats.DecodingError) -> ChromaHTTPError {
        switch error {
        case .invalidPadding: return .invalidArgument("Invalid base64 string: Invalid padding")
        case .invalidSymbol(let symbol, let offset):
            return .invalidArgument("Invalid base64 string: Invalid symbol \(symbol), offset \(offset).")
        case .invalidByteLength(let count):
            return .invalidArgument(
                "Invalid byte length: \(count) bytes cannot be converted to f32 values (must be divisible by 4)")
        }
    }
}
