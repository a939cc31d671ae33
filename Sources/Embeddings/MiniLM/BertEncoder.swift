import CTransformerKernels
import Dispatch
import Foundation

/// The BERT encoder of all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads, feed-forward 1536).
/// Dense layers (`DenseLayer.swift`) and attention run on our kernels (`CTransformerKernels`),
/// compiled per instruction set and spread across cores: attention by (sequence, head), the
/// row-local rest of each layer by bands of rows.
///
/// Sequences are packed without padding: dense layers work row by row, and attention runs per
/// sequence over its own tokens only, which gives exactly what a padded batch with an
/// attention mask gives, without computing the padding.
struct BertEncoder: @unchecked Sendable {
    struct Layer {
        /// Query, key and value projections stacked: one matmul writes [q | k | v] per row.
        let queryKeyValue: Linear
        let attentionOutput: Linear
        let attentionNorm: LayerNorm
        let intermediate, output: Linear
        let outputNorm: LayerNorm
    }

    struct LayerNorm {
        let weight: SafeTensors.Tensor
        let bias: SafeTensors.Tensor
        let epsilon: Float = 1e-12

        /// x = LayerNorm(x)
        func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
            tk_add_layer_norm(x, nil, weight.pointer, bias.pointer, rows, width, epsilon)
        }
    }

    let hidden = 384, heads = 12, intermediateSize = 1536, maxPositions = 512
    private let weights: SafeTensors
    private let words, positions, tokenTypes: SafeTensors.Tensor
    private let embeddingNorm: LayerNorm
    private let layers: [Layer]

    /// Loads the encoder from `weights`; `amx` chooses the AMX matmul (default: where the CPU has it).
    init(weights: SafeTensors, layerCount: Int = 6, amx: Bool = tk_amx_available() != 0) throws {
        self.weights = weights
        func linear(_ names: String..., outputs: Int, inputs: Int) throws -> Linear {
            Linear(
                stacking: try names.map {
                    (
                        try weights.tensor($0 + ".weight", shape: [outputs, inputs]),
                        try weights.tensor($0 + ".bias", shape: [outputs])
                    )
                }, amx: amx)
        }
        func norm(_ name: String) throws -> LayerNorm {
            LayerNorm(
                weight: try weights.tensor(name + ".weight", shape: [384]),
                bias: try weights.tensor(name + ".bias", shape: [384]))
        }
        words = try weights.tensor("embeddings.word_embeddings.weight", shape: [30522, 384])
        positions = try weights.tensor("embeddings.position_embeddings.weight", shape: [512, 384])
        tokenTypes = try weights.tensor("embeddings.token_type_embeddings.weight", shape: [2, 384])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<layerCount).map { index in
            let prefix = "encoder.layer.\(index)."
            return Layer(
                queryKeyValue: try linear(
                    prefix + "attention.self.query", prefix + "attention.self.key", prefix + "attention.self.value",
                    outputs: 384, inputs: 384),
                attentionOutput: try linear(prefix + "attention.output.dense", outputs: 384, inputs: 384),
                attentionNorm: try norm(prefix + "attention.output.LayerNorm"),
                intermediate: try linear(prefix + "intermediate.dense", outputs: 1536, inputs: 384),
                output: try linear(prefix + "output.dense", outputs: 384, inputs: 1536),
                outputNorm: try norm(prefix + "output.LayerNorm"))
        }
    }

    /// Mean-pooled, L2-normalised sentence vectors for token-id sequences (each ≤ 512 ids).
    func embed(_ sequences: [[Int32]]) -> [[Float]] {
        let lengths = sequences.map(\.count)
        let rows = lengths.reduce(0, +)
        let width = hidden
        // Left unset rather than zeroed (zeroing was 4 % of a pass): each is written whole before it is read.
        func unset(_ count: Int) -> [Float] { [Float](unsafeUninitializedCapacity: count) { $1 = count } }
        var x = unset(rows * width), context = unset(rows * width), queryKeyValue = unset(rows * 3 * width)
        let maxLength = lengths.max() ?? 0
        let headSize = width / heads
        let scale = 1 / Float(headSize).squareRoot()

        // Embeddings: word + position + token type 0, then LayerNorm.
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let out = row * width
                let word = words.pointer + Int(id) * width
                let pos = positions.pointer + position * width
                for i in 0..<width { x[out + i] = word[i] + pos[i] + tokenTypes.pointer[i] }
                row += 1
            }
        }
        x.withUnsafeMutableBufferPointer { embeddingNorm.apply($0.baseAddress!, rows: rows, width: width) }

        // Self-attention over each sequence's own tokens; (sequence, head) pairs spread across cores.
        var tasks: [(start: Int, length: Int, head: Int)] = []
        var start = 0
        for length in lengths {
            for head in 0..<heads { tasks.append((start, length, head)) }
            start += length
        }
        for layer in layers {
            x.withUnsafeBufferPointer { layer.queryKeyValue.apply($0.baseAddress!, rows: rows, into: &queryKeyValue) }
            queryKeyValue.withUnsafeBufferPointer { qkv in
                context.withUnsafeMutableBufferPointer { c in
                    let job = AttentionJob(
                        queryKeyValue: qkv.baseAddress!, out: c.baseAddress!, width: width, headSize: headSize,
                        scale: scale, maxLength: maxLength)
                    let threads = ProcessInfo.processInfo.activeProcessorCount
                    let work = tasks
                    DispatchQueue.concurrentPerform(iterations: threads) { part in
                        for index in stride(from: part, to: work.count, by: threads) {
                            job.run(start: work[index].start, length: work[index].length, head: work[index].head)
                        }
                    }
                }
            }
            x.withUnsafeMutableBufferPointer { x in
                context.withUnsafeBufferPointer { context in
                    RowLocalJob(
                        layer: layer, context: context.baseAddress!, x: x.baseAddress!, width: width,
                        intermediateSize: intermediateSize
                    ).run(rows: rows)
                }
            }
        }

        // Mean pooling over each sequence's tokens, then L2 normalisation.
        var result: [[Float]] = []
        var first = 0
        for length in lengths {
            var pooled = [Float](repeating: 0, count: width)
            for token in first..<(first + length) {
                for i in 0..<width { pooled[i] += x[token * width + i] }
            }
            var norm: Float = 0
            for i in 0..<width {
                pooled[i] /= Float(length)
                norm += pooled[i] * pooled[i]
            }
            let inverse = 1 / max(norm.squareRoot(), 1e-12)
            result.append(pooled.map { $0 * inverse })
            first += length
        }
        return result
    }
}

/// Attention heads shared by the worker threads of a `concurrentPerform`; each (sequence, head)
/// writes its own columns of its own rows.
struct AttentionJob: @unchecked Sendable {
    /// Rows of [q | k | v], 3 × width floats each.
    let queryKeyValue: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let width, headSize: Int
    let scale: Float
    let maxLength: Int

    func run(start: Int, length: Int, head: Int) {
        let q = queryKeyValue + start * 3 * width + head * headSize
        withUnsafeTemporaryAllocation(of: Float.self, capacity: tk_attention_scratch(maxLength)) { scratch in
            tk_attention_head(
                q, q + width, q + 2 * width, 3 * width, out + start * width + head * headSize, width,
                scratch.baseAddress!, length, scale)
        }
    }
}

/// The rest of a layer after attention — output projection, residual and LayerNorm, the
/// 1536-wide feed-forward with GELU, residual and LayerNorm — which works on each row alone.
/// Each core takes its rows in bands, so a band's feed-forward activations stay in cache
/// instead of crossing memory as a rows × 1536 matrix.
struct RowLocalJob: @unchecked Sendable {
    typealias Matmul = (BertEncoder.Linear, UnsafePointer<Float>, UnsafeMutablePointer<Float>, BertEncoder.Then) -> Void
    let layer: BertEncoder.Layer
    let context: UnsafePointer<Float>
    let x: UnsafeMutablePointer<Float>
    let width, intermediateSize: Int
    let band = 128

    /// Rows 0..<rows across the cores: each core its own rows, band by band; or, for a few
    /// rows, each matmul split by columns (`Linear.apply`).
    func run(rows: Int) {
        guard rows >= BertEncoder.Linear.fewestRowsToSplit else {
            withScratch(rows: rows) { projected, expanded in
                finish(from: 0, projected, expanded) { $0.apply($1, rows: rows, into: $2, then: $3) }
            }
            return
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: cores) { part in
            let rows = Range(part: part, of: cores, count: rows)
            guard !rows.isEmpty else { return }
            withScratch(rows: min(band, rows.count)) { projected, expanded in
                for start in stride(from: rows.lowerBound, to: rows.upperBound, by: band) {
                    let count = min(band, rows.upperBound - start)
                    finish(from: start, projected, expanded) { $0.job($1, into: $2, then: $3).run(rows: 0..<count) }
                }
            }
        }
    }

    /// The layer's dense steps for the rows from `start`, each matmul run by `matmul`.
    private func finish(
        from start: Int, _ projected: UnsafeMutablePointer<Float>, _ expanded: UnsafeMutablePointer<Float>,
        _ matmul: Matmul
    ) {
        let rows = x + start * width
        matmul(layer.attentionOutput, context + start * width, projected, .addAndNormalize(rows, layer.attentionNorm))
        matmul(layer.intermediate, rows, expanded, .gelu)
        matmul(layer.output, expanded, projected, .addAndNormalize(rows, layer.outputNorm))
    }

    /// Scratch for `rows` rows of projected (width) and feed-forward (intermediate) activations.
    private func withScratch(
        rows: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) {
        let projected = UnsafeMutablePointer<Float>.allocate(capacity: rows * width)
        let expanded = UnsafeMutablePointer<Float>.allocate(capacity: rows * intermediateSize)
        defer {
            projected.deallocate()
            expanded.deallocate()
        }
        body(projected, expanded)
    }
}
