import Dispatch
import Embeddings
import Foundation

/// Sentences per second of the built-in all-MiniLM-L6-v2, in the cases that
/// `Benchmarks/embedding_side_by_side.py` also runs through sentence-transformers.
/// Prints one JSON object per case.
enum EmbeddingThroughput {
    static let words = [
        "exact", "vector", "search", "returns", "the", "true", "nearest", "neighbours", "for", "every", "query",
        "while", "approximate", "indexes", "trade", "recall", "speed", "research", "papers", "notes",
    ]

    static func passage(_ index: Int, words count: Int) -> String {
        (0..<count).map { words[($0 * 7 + index * 13) % words.count] }.joined(separator: " ") + " \(index)."
    }

    static func run(modelDirectory: String, float32Only: Bool) throws {
        let embedder = try MiniLMEmbedder(directory: modelDirectory, float32Only: float32Only)
        let short = (0..<512).map { passage($0, words: 14) }
        let long = (0..<64).map { passage($0, words: 300) }  // truncated to the 256-token window
        _ = embedder.embedNow(Array(short.prefix(64)))  // warm up
        func measure(_ name: String, _ texts: [String], batch: Int) {
            let start = DispatchTime.now().uptimeNanoseconds
            for offset in stride(from: 0, to: texts.count, by: batch) {
                _ = embedder.embedNow(Array(texts[offset..<min(offset + batch, texts.count)]))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("{\"case\":\"\(name)\",\"sentences_per_second\":\(Double(texts.count) / seconds)}")
        }
        measure("batch 1, short", Array(short.prefix(128)), batch: 1)
        measure("batch 32, short", short, batch: 32)
        measure("batch 256, short", short, batch: 256)
        measure("batch 32, 256-token", long, batch: 32)
    }
}
