/// How distances are computed, fixed when a collection is created (Chroma's `hnsw:space`).
public enum DistanceSpace: String, Sendable, CaseIterable {
    /// Squared Euclidean distance Σ(qᵢ − xᵢ)², without the square root, as Chroma reports it.
    case l2
    /// 1 − cosine similarity.
    case cosine
    /// 1 − inner product (may be negative).
    case ip
}
