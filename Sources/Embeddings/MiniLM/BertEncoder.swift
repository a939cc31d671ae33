import CTransformerKernels
import Dispatch
import Foundation

/// The BERT encoder of all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads, feed-forward 1536).
/// Dense layers and attention run on our kernels (`CTransformerKernels`), compiled per
/// instruction set and spread across cores.
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

    /// A dense layer, y = x·Wᵀ + b, with W packed for its matmul kernel (`PackedWeight`).
    struct Linear {
        let packedWeight: PackedWeight
        let inputs: Int, outputs: Int

        /// Layers with the same input, stacked: their outputs side by side in each row.
        init(stacking parts: [(weight: SafeTensors.Tensor, bias: SafeTensors.Tensor)], amx: Bool) {
            let inputs = parts[0].weight.shape[1]
            let outputs = parts.reduce(0) { $0 + $1.weight.shape[0] }
            (self.outputs, self.inputs) = (outputs, inputs)
            let weight = parts.flatMap { UnsafeBufferPointer(start: $0.weight.pointer, count: $0.weight.count) }
            let bias = parts.flatMap { UnsafeBufferPointer(start: $0.bias.pointer, count: $0.bias.count) }
            packedWeight = PackedWeight(
                weight, bias: bias, outputs: outputs, inputs: inputs,
                amx: amx && outputs % 32 == 0 && inputs % 32 == 0)
        }

        /// out[rows × outputs] = input[rows × inputs] · weightᵀ + bias, then `then` on the output
        /// rows. Many rows are split across cores by rows; a few (a short text on its own) by
        /// columns, so that each core streams only its share of the weights.
        func apply(
            _ input: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, then: Then = .nothing
        ) {
            let job = job(input, into: out, then: then)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            if rows >= 64 {
                let chunk = (rows + cores - 1) / cores
                DispatchQueue.concurrentPerform(iterations: cores) { part in
                    let start = part * chunk
                    if start < rows { job.run(rows: start..<min(rows, start + chunk)) }
                }
            } else {
                // Column blocks of 64 suit both kernels' packing (AMX tiles pair 32 columns).
                let (blocks, outputs) = (outputs / 64, outputs)
                let parts = max(1, min(cores, blocks))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let columns = (blocks * part / parts * 64)..<(blocks * (part + 1) / parts * 64)
                    job.run(rows: 0..<rows, columns: part == parts - 1 ? columns.lowerBound..<outputs : columns)
                }
                var epilogue = job.then
                tk_finish_rows(&epilogue, out, 0, rows, outputs)
            }
        }

        /// out = input · weightᵀ + bias, then `then`, for worker threads to run by rows.
        func job(_ input: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, then: Then) -> MatmulJob {
            var epilogue = tk_epilogue()
            switch then {
            case .nothing: break
            case .gelu: epilogue.gelu = 1
            case .addAndNormalize(let x, let norm):
                epilogue = tk_epilogue(
                    gelu: 0, norm_x: x, norm_weight: norm.weight.pointer, norm_bias: norm.bias.pointer,
                    norm_epsilon: norm.epsilon)
            }
            return MatmulJob(
                input: input, weight: packedWeight.kernel, bias: packedWeight.bias, output: out, inputs: inputs,
                outputs: outputs, then: epilogue)
        }
    }

    /// What a dense layer does to its output rows while they are still in cache (`tk_epilogue`).
    enum Then {
        case nothing
        case gelu
        /// x = LayerNorm(x + output) on the same rows of x.
        case addAndNormalize(UnsafeMutablePointer<Float>, LayerNorm)
    }

    /// A weight matrix repacked once, at load, into the layout its matmul kernel streams: AMX
    /// tiles of bfloat16 high and low parts where the CPU has AMX (`tk_amx_pack`), float32
    /// column panels otherwise (`tk_pack_panels`); and its bias. Owned for the encoder's lifetime.
    final class PackedWeight: @unchecked Sendable {
        let kernel: MatmulJob.Weight
        let bias: UnsafePointer<Float>
        private let storage: UnsafeMutableRawPointer

        init(_ weight: [Float], bias: [Float], outputs: Int, inputs: Int, amx: Bool) {
            let biasCopy = UnsafeMutablePointer<Float>.allocate(capacity: bias.count)
            biasCopy.initialize(from: bias, count: bias.count)
            self.bias = UnsafePointer(biasCopy)
            if amx {
                let tiles = UnsafeMutablePointer<UInt16>.allocate(capacity: tk_amx_packed_size(outputs, inputs))
                tk_amx_pack(weight, tiles, outputs, inputs)
                (kernel, storage) = (.amxTiles(UnsafePointer(tiles)), UnsafeMutableRawPointer(tiles))
            } else {
                let panels = UnsafeMutablePointer<Float>.allocate(capacity: tk_packed_size(outputs, inputs))
                tk_pack_panels(weight, panels, outputs, inputs)
                (kernel, storage) = (.panels(UnsafePointer(panels)), UnsafeMutableRawPointer(panels))
            }
        }

        deinit {
            storage.deallocate()
            bias.deallocate()
        }
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
        var x = [Float](repeating: 0, count: rows * width)
        var context = x
        var queryKeyValue = [Float](repeating: 0, count: rows * 3 * width)
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

        for layer in layers {
            x.withUnsafeBufferPointer { layer.queryKeyValue.apply($0.baseAddress!, rows: rows, into: &queryKeyValue) }
            // Self-attention over each sequence's own tokens; (sequence, head) pairs spread across cores.
            var tasks: [(start: Int, length: Int, head: Int)] = []
            var start = 0
            for length in lengths {
                for head in 0..<heads { tasks.append((start, length, head)) }
                start += length
            }
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
                    let job = RowLocalJob(
                        layer: layer, context: context.baseAddress!, x: x.baseAddress!, width: width,
                        intermediateSize: intermediateSize)
                    if rows >= 64 {
                        let cores = ProcessInfo.processInfo.activeProcessorCount
                        let chunk = (rows + cores - 1) / cores
                        DispatchQueue.concurrentPerform(iterations: cores) { part in
                            job.run(rows: (part * chunk)..<min(rows, (part + 1) * chunk))
                        }
                    } else {
                        job.runSplittingColumns(rows: rows)
                    }
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
    let layer: BertEncoder.Layer
    let context: UnsafePointer<Float>
    let x: UnsafeMutablePointer<Float>
    let width, intermediateSize: Int
    let band = 128

    func run(rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        let projected = UnsafeMutablePointer<Float>.allocate(capacity: min(band, rows.count) * width)
        let expanded = UnsafeMutablePointer<Float>.allocate(capacity: min(band, rows.count) * intermediateSize)
        defer {
            projected.deallocate()
            expanded.deallocate()
        }
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: band) {
            let (count, rows) = (min(band, rows.upperBound - start), x + start * width)
            layer.attentionOutput.job(
                context + start * width, into: projected, then: .addAndNormalize(rows, layer.attentionNorm)
            ).run(rows: 0..<count)
            layer.intermediate.job(rows, into: expanded, then: .gelu).run(rows: 0..<count)
            layer.output.job(expanded, into: projected, then: .addAndNormalize(rows, layer.outputNorm))
                .run(rows: 0..<count)
        }
    }

    /// For a few rows: each matmul split across cores by columns (`Linear.apply`).
    func runSplittingColumns(rows: Int) {
        let projected = UnsafeMutablePointer<Float>.allocate(capacity: rows * width)
        let expanded = UnsafeMutablePointer<Float>.allocate(capacity: rows * intermediateSize)
        defer {
            projected.deallocate()
            expanded.deallocate()
        }
        layer.attentionOutput.apply(
            context, rows: rows, into: projected, then: .addAndNormalize(x, layer.attentionNorm))
        layer.intermediate.apply(x, rows: rows, into: expanded, then: .gelu)
        layer.output.apply(expanded, rows: rows, into: projected, then: .addAndNormalize(x, layer.outputNorm))
    }
}

/// One matmul shared by the worker threads of a `concurrentPerform`; each computes its own
/// block of the output, so the threads never write the same memory.
struct MatmulJob: @unchecked Sendable {
    enum Weight {
        case panels(UnsafePointer<Float>)
        case amxTiles(UnsafePointer<UInt16>)
    }
    let input: UnsafePointer<Float>
    let weight: Weight
    let bias: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let inputs: Int, outputs: Int
    /// For the whole output; `run(rows:)` moves `norm_x` to its own rows.
    let then: tk_epilogue

    /// Output rows × all columns, then `then` on those rows.
    func run(rows: Range<Int>) {
        var epilogue = then
        epilogue.norm_x = epilogue.norm_x.map { $0 + rows.lowerBound * outputs }
        run(rows: rows, columns: 0..<outputs, then: &epilogue)
    }

    /// Output rows × columns (columns from a multiple of 64), with no epilogue.
    func run(rows: Range<Int>, columns: Range<Int>) {
        run(rows: rows, columns: columns, then: nil)
    }

    private func run(rows: Range<Int>, columns: Range<Int>, then: UnsafePointer<tk_epilogue>?) {
        let a = input + rows.lowerBound * inputs
        let c = output + rows.lowerBound * outputs + columns.lowerBound
        let (first, count) = (columns.lowerBound, columns.count)
        switch weight {
        case .panels(let panels):
            tk_matmul_bias(a, panels + first * inputs, bias + first, c, outputs, rows.count, count, inputs, then)
        case .amxTiles(let tiles):
            tk_amx_matmul_bias(a, tiles + first * 2 * inputs, bias + first, c, outputs, rows.count, count, inputs, then)
        }
    }
}
