import CBLAS
import Foundation

/// The BERT encoder of all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads, feed-forward 1536),
/// with every matrix product through BLAS `sgemm`.
///
/// Sequences are packed without padding: dense layers work row by row, and attention runs per
/// sequence over its own tokens only, which gives exactly what a padded batch with an
/// attention mask gives, without computing the padding.
struct BertEncoder: @unchecked Sendable {
    struct Layer {
        let query, key, value, attentionOutput: Linear
        let attentionNorm: LayerNorm
        let intermediate, output: Linear
        let outputNorm: LayerNorm
    }

    struct Linear {
        let weight: SafeTensors.Tensor  // [out, in], row-major
        let bias: SafeTensors.Tensor
        var outputs: Int { weight.shape[0] }
        var inputs: Int { weight.shape[1] }

        /// out[rows × outputs] = input[rows × inputs] · weightᵀ + bias
        func apply(_ input: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
            for row in 0..<rows { (out + row * outputs).update(from: bias.pointer, count: outputs) }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1, input,
                Int32(inputs), weight.pointer, Int32(inputs), 1, out, Int32(outputs))
        }
    }

    struct LayerNorm {
        let weight: SafeTensors.Tensor
        let bias: SafeTensors.Tensor
        let epsilon: Float = 1e-12

        func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
            for row in 0..<rows {
                let v = x + row * width
                var mean: Float = 0
                for i in 0..<width { mean += v[i] }
                mean /= Float(width)
                var variance: Float = 0
                for i in 0..<width { variance += (v[i] - mean) * (v[i] - mean) }
                let scale = 1 / (variance / Float(width) + epsilon).squareRoot()
                for i in 0..<width { v[i] = (v[i] - mean) * scale * weight.pointer[i] + bias.pointer[i] }
            }
        }
    }

    let hidden = 384, heads = 12, intermediateSize = 1536, maxPositions = 512
    private let weights: SafeTensors
    private let words, positions, tokenTypes: SafeTensors.Tensor
    private let embeddingNorm: LayerNorm
    private let layers: [Layer]

    init(weights: SafeTensors, layerCount: Int = 6) throws {
        self.weights = weights
        func linear(_ name: String, _ outputs: Int, _ inputs: Int) throws -> Linear {
            Linear(
                weight: try weights.tensor(name + ".weight", shape: [outputs, inputs]),
                bias: try weights.tensor(name + ".bias", shape: [outputs]))
        }
        func norm(_ name: String) throws -> LayerNorm {
            LayerNorm(
                weight: try weights.tensor(name + ".weight", shape: [384]), bias: try weights.tensor(name + ".bias", shape: [384]))
        }
        words = try weights.tensor("embeddings.word_embeddings.weight", shape: [30522, 384])
        positions = try weights.tensor("embeddings.position_embeddings.weight", shape: [512, 384])
        tokenTypes = try weights.tensor("embeddings.token_type_embeddings.weight", shape: [2, 384])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<layerCount).map { index in
            let prefix = "encoder.layer.\(index)."
            return Layer(
                query: try linear(prefix + "attention.self.query", 384, 384),
                key: try linear(prefix + "attention.self.key", 384, 384),
                value: try linear(prefix + "attention.self.value", 384, 384),
                attentionOutput: try linear(prefix + "attention.output.dense", 384, 384),
                attentionNorm: try norm(prefix + "attention.output.LayerNorm"),
                intermediate: try linear(prefix + "intermediate.dense", 1536, 384),
                output: try linear(prefix + "output.dense", 384, 1536),
                outputNorm: try norm(prefix + "output.LayerNorm"))
        }
    }

    /// Mean-pooled, L2-normalised sentence vectors for token-id sequences (each ≤ 512 ids).
    func embed(_ sequences: [[Int32]]) -> [[Float]] {
        let lengths = sequences.map(\.count)
        let rows = lengths.reduce(0, +)
        let width = hidden
        var x = [Float](repeating: 0, count: rows * width)
        var q = x, k = x, v = x, context = x, projected = x
        var expanded = [Float](repeating: 0, count: rows * intermediateSize)
        let maxLength = lengths.max() ?? 0
        var scores = [Float](repeating: 0, count: maxLength * maxLength)
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

        for layer in layers {
            x.withUnsafeBufferPointer { input in
                layer.query.apply(input.baseAddress!, rows: rows, into: &q)
                layer.key.apply(input.baseAddress!, rows: rows, into: &k)
                layer.value.apply(input.baseAddress!, rows: rows, into: &v)
            }
            // Self-attention, one sequence and one head at a time, over that sequence's tokens.
            var start = 0
            for length in lengths {
                for head in 0..<heads {
                    let offset = start * width + head * headSize
                    q.withUnsafeBufferPointer { q in
                        k.withUnsafeBufferPointer { k in
                            cblas_sgemm(
                                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(length), Int32(length), Int32(headSize),
                                scale, q.baseAddress! + offset, Int32(width), k.baseAddress! + offset, Int32(width), 0,
                                &scores, Int32(length))
                        }
                    }
                    Self.softmaxRows(&scores, rows: length, width: length)
                    v.withUnsafeBufferPointer { v in
                        context.withUnsafeMutableBufferPointer { c in
                            cblas_sgemm(
                                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(length), Int32(headSize), Int32(length), 1,
                                scores, Int32(length), v.baseAddress! + offset, Int32(width), 0, c.baseAddress! + offset,
                                Int32(width))
                        }
                    }
                }
                start += length
            }
            context.withUnsafeBufferPointer { layer.attentionOutput.apply($0.baseAddress!, rows: rows, into: &projected) }
            for i in 0..<(rows * width) { x[i] += projected[i] }
            x.withUnsafeMutableBufferPointer { layer.attentionNorm.apply($0.baseAddress!, rows: rows, width: width) }

            x.withUnsafeBufferPointer { layer.intermediate.apply($0.baseAddress!, rows: rows, into: &expanded) }
            for i in 0..<expanded.count {
                let value = expanded[i]
                expanded[i] = 0.5 * value * (1 + erff(value * 0.707_106_77))
            }
            expanded.withUnsafeBufferPointer { layer.output.apply($0.baseAddress!, rows: rows, into: &projected) }
            for i in 0..<(rows * width) { x[i] += projected[i] }
            x.withUnsafeMutableBufferPointer { layer.outputNorm.apply($0.baseAddress!, rows: rows, width: width) }
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

    private static func softmaxRows(_ scores: inout [Float], rows: Int, width: Int) {
        for row in 0..<rows {
            let base = row * width
            var maximum = -Float.infinity
            for i in 0..<width { maximum = max(maximum, scores[base + i]) }
            var sum: Float = 0
            for i in 0..<width {
                let e = expf(scores[base + i] - maximum)
                scores[base + i] = e
                sum += e
            }
            let inverse = 1 / sum
            for i in 0..<width { scores[base + i] *= inverse }
        }
    }
}
