/// Records to add, upsert or update, in Chroma's column form: every non-nil column has one
/// entry per id.
public struct RecordBatch: Sendable {
    public var ids: [String]
    /// One embedding per id. In update an entry may be nil ("keep the stored embedding").
    public var embeddings: [[Float]?]?
    public var documents: [String?]?
    public var uris: [String?]?
    /// In upsert and update a nil value deletes that key; add rejects nil values.
    public var metadatas: [MetadataPatch?]?

    public init(
        ids: [String], embeddings: [[Float]?]? = nil, documents: [String?]? = nil, uris: [String?]? = nil,
        metadatas: [MetadataPatch?]? = nil
    ) {
        self.ids = ids
        self.embeddings = embeddings
        self.documents = documents
        self.uris = uris
        self.metadatas = metadatas
    }
}
