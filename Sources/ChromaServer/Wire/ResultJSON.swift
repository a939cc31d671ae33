import JSON
import VectorStore

/// Writes get and query results. Embeddings are written float by float straight into the
/// output buffer (no JSON tree), since they dominate the size of a response.
enum ResultJSON {
    static func get(_ result: GetResult, _ dialect: ClientDialect) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256 + result.ids.count * 64)
        writer.writeRaw("{\"ids\":")
        writer.write(.array(result.ids.map { .string($0) }))
        writeColumns(&writer, result, nested: false)
        writeInclude(&writer, result.include, dialect)
        writer.writeRaw("}")
        return writer.bytes
    }

    static func query(_ result: QueryResult, _ dialect: ClientDialect) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256 + result.results.reduce(0) { $0 + $1.ids.count } * 64)
        writer.writeRaw("{\"ids\":")
        writer.write(.array(result.results.map { .array($0.ids.map { .string($0) }) }))
        writeColumns(&writer, result.results, include: result.include)
        writer.writeRaw(",\"distances\":")
        if let distances = result.distances {
            writer.writeRaw("[")
            for (index, row) in distances.enumerated() {
                if index > 0 { writer.writeRaw(",") }
                writer.writeFloats(row)
            }
            writer.writeRaw("]")
        } else {
            writer.writeRaw("null")
        }
        writeInclude(&writer, result.include, dialect)
        writer.writeRaw("}")
        return writer.bytes
    }

    private static func writeColumns(_ writer: inout JSONWriter, _ result: GetResult, nested: Bool) {
        writer.writeRaw(",\"embeddings\":")
        writeEmbeddings(&writer, result.embeddings)
        writer.writeRaw(",\"documents\":")
        writer.write(result.documents.map { .array($0.map(optionalString)) } ?? .null)
        writer.writeRaw(",\"uris\":")
        writer.write(result.uris.map { .array($0.map(optionalString)) } ?? .null)
        writer.writeRaw(",\"metadatas\":")
        writer.write(result.metadatas.map { .array($0.map { $0?.json ?? .null }) } ?? .null)
    }

    /// Query columns: one inner list per query, or null when not included.
    private static func writeColumns(_ writer: inout JSONWriter, _ results: [GetResult], include: Include) {
        writer.writeRaw(",\"embeddings\":")
        if include.contains(.embeddings) {
            writer.writeRaw("[")
            for (index, result) in results.enumerated() {
                if index > 0 { writer.writeRaw(",") }
                writeEmbeddings(&writer, result.embeddings ?? [])
            }
            writer.writeRaw("]")
        } else {
            writer.writeRaw("null")
        }
        writer.writeRaw(",\"documents\":")
        writer.write(
            include.contains(.documents)
                ? .array(results.map { .array(($0.documents ?? []).map(optionalString)) }) : .null)
        writer.writeRaw(",\"uris\":")
        writer.write(
            include.contains(.uris) ? .array(results.map { .array(($0.uris ?? []).map(optionalString)) }) : .null)
        writer.writeRaw(",\"metadatas\":")
        writer.write(
            include.contains(.metadatas)
                ? .array(results.map { .array(($0.metadatas ?? []).map { $0?.json ?? .null }) }) : .null)
    }

    private static func writeEmbeddings(_ writer: inout JSONWriter, _ embeddings: [[Float]]?) {
        guard let embeddings else { return writer.writeRaw("null") }
        writer.writeRaw("[")
        for (index, embedding) in embeddings.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            writer.writeFloats(embedding)
        }
        writer.writeRaw("]")
    }

    /// `include` as 1.x clients read it; legacy clients read `included` and expect `data`.
    private static func writeInclude(_ writer: inout JSONWriter, _ include: Include, _ dialect: ClientDialect) {
        let names: JSONValue = .array(Include.names.filter { include.contains($0.1) }.map { .string($0.0) })
        writer.writeRaw(",\"include\":")
        writer.write(names)
        if dialect.isLegacy {
            writer.writeRaw(",\"included\":")
            writer.write(names)
            writer.writeRaw(",\"data\":null")
        }
    }

    private static func optionalString(_ string: String?) -> JSONValue { string.map { .string($0) } ?? .null }
}
