import Foundation
import JSON

@testable import ChromaServer
@testable import VectorStore

/// What a harness feeds the bytes to: each is code that reads input from outside the process
/// (a client's request body). Any input may be refused with an error; none may crash, hang or
/// read out of bounds. The text harnesses are in `Text/`, a binary of their own.
enum FuzzTarget: String, CaseIterable {
    /// The hot-path JSON reader, as every request body goes through it.
    case json
    /// An add / upsert / update body, embeddings as float arrays or base64 float32.
    case batch
    /// A get / query / delete body: `where`, `where_document`, `include`, counts.
    case filter

    /// The harness named by `THOTH_FUZZ`.
    static var selected: FuzzTarget {
        let name = ProcessInfo.processInfo.environment["THOTH_FUZZ"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data("THOTH_FUZZ must be one of \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json:
            if let value = try? JSONReader.parse(bytes) {
                // What was read must write back and read again to the same value.
                let again = try? JSONReader.parse(JSONWriter.serialize(value))
                precondition(again == value, "JSON round trip changed the value")
            }
        case .batch:
            if let batch = try? RecordBatchDecoder.decode(bytes) {
                _ = try? RecordValidation.validate(batch, for: .add)
            }
        case .filter:
            guard let fields = try? WireFields(body: bytes) else { return }
            _ = try? fields.whereFilter()
            _ = try? fields.whereDocument()
            _ = try? fields.include(default: .queryDefault)
            _ = try? fields.count("n_results")
            _ = try? fields.floatVectors("query_embeddings")
        }
    }
}
