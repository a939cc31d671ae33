import CTransformerKernels
import Dispatch
import Foundation

// The encoder's dense layers: weights packed once for their matmul kernel, and the matmul
// split across cores.
extension BertEncoder {
    /// A dense layer, y = x·Wᵀ + b, with W packed for its matmul kernel (`PackedWeight`).
    struct Linear {
        let packedWeight: PackedWeight
        let inputs: Int, outputs: Int
        /// From this many rows on, work is split across cores by rows; fewer rows (a short text
        /// on its own) split each matmul by columns, so that each core streams only its share
        /// of the weights.
        static let fewestRowsToSplit = 64

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
        /// rows, split across cores by rows or by columns (`fewestRowsToSplit`).
        func apply(
            _ input: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, then: Then = .nothing
        ) {
            let job = job(input, into: out, then: then)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            if rows >= Self.fewestRowsToSplit {
                DispatchQueue.concurrentPerform(iterations: cores) { part in
                    job.run(rows: Range(part: part, of: cores, count: rows))
                }
            } else {
                // Column blocks of 64 suit both kernels' packing (AMX tiles pair 32 columns).
                let (blocks, outputs) = (outputs / 64, outputs)
                let parts = max(1, min(cores, blocks))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let share = Range(part: part, of: parts, count: blocks)
                    job.run(
                        rows: 0..<rows,
                        columns: (share.lowerBound * 64)..<(part == parts - 1 ? outputs : share.upperBound * 64))
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
}

extension Range where Bound == Int {
    /// Piece `part` of 0..<count cut into `parts` contiguous, nearly equal pieces (empty pieces
    /// when there are more parts than elements).
    init(part: Int, of parts: Int, count: Int) {
        self = (count * part / parts)..<(count * (part + 1) / parts)
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
        guard !rows.isEmpty else { return }
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
