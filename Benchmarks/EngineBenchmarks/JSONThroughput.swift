import Foundation
import JSON

/// MB/s of the embedding hot paths on a 1000 × 384 add payload: our reader (float lists and
/// base64), our writer, and Foundation's decoders and encoder on the same bytes.
enum JSONThroughput {
    static func run() {
        var state: UInt64 = 7
        let vectors: [[Float]] = (0..<1000).map { _ in
            (0..<384).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(Double(state >> 11) / Double(1 << 53) * 2 - 1)
            }
        }
        // Python's json.dumps of float32 values widened to double, as chromadb clients send them.
        let floatText =
            "["
            + vectors.map { "[" + $0.map { "\(Double($0))" }.joined(separator: ",") + "]" }
            .joined(separator: ",") + "]"
        let floatBytes = Array(floatText.utf8)
        let base64Text = "[" + vectors.map { "\"" + Base64Floats.encode($0) + "\"" }.joined(separator: ",") + "]"
        let base64Bytes = Array(base64Text.utf8)

        func rate(_ bytes: Int, _ body: () throws -> Void) rethrows -> String {
            var best = Double.infinity
            for _ in 0..<5 { best = min(best, try seconds(body)) }
            return String(format: "%.0f", Double(bytes) / best / 1e6)
        }

        var parsed: [[Float]] = []
        let ours = try! rate(floatBytes.count) {
            parsed = try JSONReader.read(floatBytes) { reader throws(JSONError) in
                var rows: [[Float]] = []
                try reader.readArray { reader throws(JSONError) in rows.append(try reader.readFloatArray() ?? []) }
                return rows
            }
        }
        precondition(parsed == vectors, "float-list parse must be bit-identical")
        let base64 = try! rate(base64Bytes.count) {
            parsed = try JSONReader.read(base64Bytes) { reader throws(JSONError) in
                var rows: [[Float]] = []
                try reader.readArray { reader throws(JSONError) in
                    let text = try reader.readRawString()
                    rows.append((try? Base64Floats.decode(text)) ?? [])
                }
                return rows
            }
        }
        precondition(parsed == vectors, "base64 decode must be bit-identical")
        let decoder = try! rate(floatBytes.count) {
            _ = try JSONDecoder().decode([[Double]].self, from: Data(floatBytes))
        }
        let serialization = try! rate(floatBytes.count) { _ = try JSONSerialization.jsonObject(with: Data(floatBytes)) }
        var output = 0
        let writer = rate(floatBytes.count) {
            var writer = JSONWriter(reservingCapacity: floatBytes.count)
            for vector in vectors { writer.writeFloats(vector) }
            output = writer.bytes.count
        }
        let encoder = try! rate(floatBytes.count) { _ = try JSONEncoder().encode(vectors) }
        print()
        print("| 1000 × 384 payload | MB/s |")
        print("|---|---|")
        print("| JSONReader, float lists → [Float] (\(floatBytes.count / 1000) kB) | \(ours) |")
        print("| JSONReader + Base64Floats, base64 → [Float] (\(base64Bytes.count / 1000) kB) | \(base64) |")
        print("| Foundation JSONDecoder → [[Double]] | \(decoder) |")
        print("| Foundation JSONSerialization | \(serialization) |")
        print("| JSONWriter, [Float] → shortest float text (\(output / 1000) kB) | \(writer) |")
        print("| Foundation JSONEncoder, [[Float]] | \(encoder) |")
    }
}
