import Foundation
import JSON
import Testing

@testable import Embeddings

/// The model files (`make model` puts them in ./models) and the reference fixtures, made once
/// from sentence-transformers and Hugging Face's tokenizer by `Fixtures/make_fixtures.py`.
enum Reference {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let modelDirectory =
        ((ProcessInfo.processInfo.environment["THOTH_MODELS_DIR"] ?? repository.appendingPathComponent("models").path)
        as NSString).appendingPathComponent("all-MiniLM-L6-v2")
    static let embedder = Result { try MiniLMEmbedder(directory: modelDirectory) }

    static func fixture(_ name: String) throws -> [JSONObject] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        guard case .array(let items) = try JSONReader.parse(Array(try Data(contentsOf: url))) else { return [] }
        return items.compactMap(\.objectValue)
    }
}

@Suite struct MiniLMTests {
    @Test func tokenizerMatchesTheReferenceIds() throws {
        let embedder = try Reference.embedder.get()
        let cases = try Reference.fixture("tokenizer_cases.json")
        #expect(cases.count >= 20)
        for item in cases {
            let text = item["text"]!.stringValue!
            guard case .array(let ids) = item["ids"] else { continue }
            #expect(embedder.tokenize(text) == ids.map { Int32($0.intValue!) }, "\(text.debugDescription)")
        }
    }

    @Test func embeddingsMatchSentenceTransformers() throws {
        let embedder = try Reference.embedder.get()
        let items = try Reference.fixture("embeddings.json")
        #expect(items.count >= 50)
        let texts = items.map { $0["text"]!.stringValue! }
        let expected = items.map { item -> [Float] in
            guard case .array(let values) = item["embedding"] else { return [] }
            return values.map { Float($0.doubleValue!) }
        }
        let vectors = embedder.embedNow(texts)
        for (index, (got, want)) in zip(vectors, expected).enumerated() {
            let cosine = zip(got, want).map { $0 * $1 }.reduce(0, +)
            #expect(cosine >= 0.9999, "\(texts[index].prefix(40)): cosine \(cosine)")
        }
        // Same nearest neighbour for every sentence, under both sets of vectors.
        func nearest(_ vectors: [[Float]], _ i: Int) -> Int {
            vectors.indices.filter { $0 != i && texts[$0] != texts[i] }.max { a, b in
                zip(vectors[i], vectors[a]).map { $0 * $1 }.reduce(0, +)
                    < zip(vectors[i], vectors[b]).map { $0 * $1 }.reduce(0, +)
            }!
        }
        for i in texts.indices { #expect(nearest(vectors, i) == nearest(expected, i), "\(texts[i].prefix(40))") }
    }

    @Test func vectorsAreUnitLengthAndBatchIndependent() throws {
        let embedder = try Reference.embedder.get()
        let texts = [
            "short", String(repeating: "a much longer sentence with many tokens ", count: 40), "", "mid length text",
        ]
        let together = embedder.embedNow(texts)
        for (text, vector) in zip(texts, together) {
            #expect(vector.count == 384)
            #expect(abs(vector.map { $0 * $0 }.reduce(0, +) - 1) < 1e-4)
            let alone = embedder.embedNow([text])[0]
            #expect(zip(alone, vector).map { $0 * $1 }.reduce(0, +) > 0.99999)
        }
    }

    /// The window is filled from the first words only; what it holds is what tokenizing the whole
    /// text and cutting it would give, whatever the script, punctuation or control characters.
    @Test func readingOnlyTheFirstWordsGivesTheSameWindow() throws {
        let embedder = try Reference.embedder.get()
        let pieces = [
            "Exact search, über alles! ", "日本語の文章と漢字。", "naïve café—déjà vu ", "\u{0}\u{7}tab\there ",
            "x", "don't-stop...", "АБВ где ", "🙂 emoji ", String(repeating: "supercalifragilistic", count: 6) + " ",
        ]
        var generator = SystemRandomNumberGenerator()
        for length in [1, 20, 130, 255, 256, 257, 400, 2000] {
            let text = (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let whole = [101] + embedder.tokenizer.basicTokens(text).flatMap(embedder.tokenizer.wordPiece) + [102]
            let expected = whole.count <= 256 ? whole : Array(whole.prefix(255)) + [102]
            #expect(embedder.tokenize(text) == expected, "\(length) pieces")
            #expect(
                embedder.tokenizer.basicTokens(text, limit: 7) == Array(embedder.tokenizer.basicTokens(text).prefix(7)))
        }
    }

    @Test func longInputsAreTruncatedToTheWindow() throws {
        let embedder = try Reference.embedder.get()
        let ids = embedder.tokenize(String(repeating: "word ", count: 5000))
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
    }

    /// Where the CPU has AMX the encoder's matmuls run on bfloat16 tiles (split in high and low
    /// parts); the vectors must match the float32 kernels'. Without AMX both encoders are float32.
    /// A text on its own (fewer than 64 tokens) splits each matmul by columns instead of rows.
    @Test func amxAndFloat32EncodersGiveTheSameVectors() throws {
        let embedder = try Reference.embedder.get()
        let weights = try SafeTensors(
            path: (Reference.modelDirectory as NSString).appendingPathComponent("model.safetensors"))
        let amx = try BertEncoder(weights: weights)
        let float32 = try BertEncoder(weights: weights, amx: false)
        let texts = try Reference.fixture("embeddings.json").map { $0["text"]!.stringValue! }
        let sequences =
            texts.map(embedder.tokenize) + [embedder.tokenize(String(repeating: "tiles of bfloat16 ", count: 200))]
        let together = float32.embed(sequences)
        for (index, (a, b)) in zip(amx.embed(sequences), together).enumerated() {
            let cosine = zip(a, b).map { $0 * $1 }.reduce(0, +)
            #expect(cosine >= 0.99999, "sequence \(index): cosine \(cosine)")
        }
        for index in 0..<3 {
            for encoder in [amx, float32] {
                let cosine = zip(encoder.embed([sequences[index]])[0], together[index]).map { $0 * $1 }.reduce(0, +)
                #expect(cosine >= 0.99999, "sequence \(index) alone: cosine \(cosine)")
            }
        }
    }

    /// Texts are encoded in passes of up to `tokensPerPass` tokens; the pass a text lands in
    /// must not change its vector.
    @Test func passesOfManyLongTextsGiveEachTextItsOwnVector() throws {
        let embedder = try Reference.embedder.get()
        let texts = (0..<40).map { "passage \($0): " + String(repeating: "exact search over many rows ", count: 60) }
        #expect(texts.map(embedder.tokenize).map(\.count).reduce(0, +) > embedder.tokensPerPass)
        let together = embedder.embedNow(texts)
        for index in [0, 20, 39] {
            let alone = embedder.embedNow([texts[index]])[0]
            #expect(zip(alone, together[index]).map { $0 * $1 }.reduce(0, +) > 0.99999)
        }
    }

    /// Work is cut into one piece per core; with more cores than rows some pieces are empty,
    /// and together they still cover every row once.
    @Test func piecesCoverEveryRowOnce() {
        for (count, parts) in [(0, 2), (1, 2), (65, 64), (100, 3), (8192, 2), (5, 7)] {
            let pieces = (0..<parts).map { Range(part: $0, of: parts, count: count) }
            #expect(pieces.flatMap { Array($0) } == Array(0..<count), "\(count) rows in \(parts) parts")
        }
    }

    @Test func missingModelSaysWhatToRun() {
        #expect(throws: EmbeddingError.self) { try MiniLMEmbedder(directory: "/nonexistent") }
        do {
            _ = try MiniLMEmbedder(directory: "/nonexistent")
        } catch {
            #expect("\(error)".contains("make model"))
        }
    }
}
