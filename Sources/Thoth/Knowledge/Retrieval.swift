/// How the knowledge base finds passages: by meaning (the embedding model), by words (BM25
/// over the chunks' text) or by both, fused by reciprocal rank; optionally diversified (MMR)
/// and, for answers, widened by the chunks around each passage.
public struct Retrieval: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case hybrid, dense, words
    }

    public var mode: Mode = .hybrid
    /// Reciprocal rank fusion: a passage at rank r of a list gains weight / (k + r).
    public var fusionK: Int = 60
    public var denseWeight: Double = 1
    public var wordsWeight: Double = 1
    /// How far down each list the fusion looks.
    public var depth: Int = 50
    /// Maximal marginal relevance (0 all diversity … 1 all relevance); nil: off.
    public var diversity: Double?
    /// Chunks before and after each passage an answer reads with it.
    public var neighbours: Int = 1
    /// How many of the best candidates a reranker (when one is configured) reorders.
    public var rerankCandidates: Int = 20

    public init() {}
}
