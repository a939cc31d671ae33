/// Checks a batch as a whole before anything is written, with Chroma's error messages.
enum RecordValidation {
    enum Operation { case add, upsert, update }

    /// Returns the batch's embedding dimension (nil when it carries no embeddings).
    static func validate(_ batch: RecordBatch, for operation: Operation) throws -> Int? {
        let count = batch.ids.count
        let lengths = [batch.embeddings?.count, batch.documents?.count, batch.uris?.count, batch.metadatas?.count]
        guard lengths.allSatisfy({ $0 == nil || $0 == count }) else {
            throw VectorStoreError.invalidArgument(
                "Inconsistent number of IDs, embeddings, documents, URIs and metadatas")
        }
        if batch.ids.contains(where: \.isEmpty) {
            throw VectorStoreError.invalidArgument("Empty ID, ID must have at least one character")
        }
        if operation != .update, batch.embeddings == nil || batch.embeddings!.contains(where: { $0 == nil }) {
            throw VectorStoreError.invalidArgument(
                "Validation error: embeddings: Embeddings are required to \(operation)")
        }
        var dimension: Int?
        for embedding in batch.embeddings ?? [] {
            guard let embedding else { continue }
            if embedding.isEmpty {
                throw VectorStoreError.invalidArgument(
                    "Validation error: embeddings: Each embedding must have at least 1 dimension")
            }
            if let dimension, dimension != embedding.count {
                throw VectorStoreError.invalidArgument("Inconsistent dimensions in provided embeddings")
            }
            dimension = embedding.count
            if !embedding.allSatisfy(\.isFinite) {
                throw VectorStoreError.invalidArgument(
                    "Validation error: embeddings: Embeddings must not contain NaN or Infinity values")
            }
        }
        for (index, patch) in (batch.metadatas ?? []).enumerated() {
            guard let patch else { continue }
            for (key, value) in patch {
                let validKey = !key.isEmpty && !key.hasPrefix("#") && !key.hasPrefix("$")
                let validValue: Bool
                switch value {
                case nil: validValue = operation != .add
                case .array(let elements)?:
                    validValue =
                        elements.allSatisfy { !$0.isArray && $0.isSameKind(as: elements[0]) }
                default: validValue = true
                }
                guard validKey, validValue else {
                    throw VectorStoreError.invalidArgument(
                        "Validation error: metadatas: Invalid metadata at index \(index)")
                }
            }
        }
        return dimension
    }

    static func checkDimension(_ dimension: Int?, against collection: CollectionInfo) throws {
        if let dimension, let expected = collection.dimension, dimension != expected {
            throw VectorStoreError.invalidArgument(
                "Collection expecting embedding with dimension of \(expected), got \(dimension)")
        }
    }

    /// Applies a metadata patch: a value sets its key, nil removes it, an empty array is dropped.
    static func merge(_ metadata: Metadata?, _ patch: MetadataPatch?) -> Metadata? {
        guard let patch else { return metadata }
        var result = metadata ?? [:]
        for (key, value) in patch {
            if let value, value != .array([]) { result[key] = value } else { result.removeValue(forKey: key) }
        }
        return result.isEmpty ? nil : result
    }
}
