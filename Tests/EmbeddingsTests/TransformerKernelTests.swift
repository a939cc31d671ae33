import CTransformerKernels
import Foundation
import Testing

/// The encoder's float32 kernels against plain double-precision arithmetic.
@Suite struct TransformerKernelTests {
    /// xorshift64*: the same inputs on every run.
    struct Numbers: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    /// Lengths around the kernel's blocks (4 queries, 16 and 64 keys), and scores large enough
    /// that the softmax depends on subtracting the row's maximum. Rows hold [q | k | v] as the
    /// encoder's stacked projection writes them; the output has rows of its own width.
    @Test(arguments: [1, 3, 5, 16, 17, 63, 64, 65, 100, 256])
    func attentionHeadMatchesTheDefinition(length: Int) {
        let (width, head, scale) = (384, 7, 1 / Float(32).squareRoot())
        var numbers = Numbers(state: UInt64(length) &* 0x9E37_79B9_7F4A_7C15 | 1)
        let qkv = (0..<length * 3 * width).map { index in
            Float.random(in: index % (3 * width) < 2 * width ? -4...4 : -1...1, using: &numbers)
        }
        var out = [Float](repeating: .nan, count: length * width)
        var scratch = [Float](repeating: .nan, count: tk_attention_scratch(length))
        let offset = head * 32
        qkv.withUnsafeBufferPointer { qkv in
            out.withUnsafeMutableBufferPointer { out in
                let q = qkv.baseAddress! + offset
                tk_attention_head(
                    q, q + width, q + 2 * width, 3 * width, out.baseAddress! + offset, width, &scratch, length, scale)
            }
        }
        func q(_ i: Int, _ d: Int) -> Double { Double(qkv[i * 3 * width + offset + d]) }
        func k(_ i: Int, _ d: Int) -> Double { Double(qkv[i * 3 * width + width + offset + d]) }
        func v(_ i: Int, _ d: Int) -> Double { Double(qkv[i * 3 * width + 2 * width + offset + d]) }

        var worst = 0.0
        for i in 0..<length {
            let scores = (0..<length).map { j in (0..<32).reduce(0.0) { $0 + q(i, $1) * k(j, $1) } * Double(scale) }
            let highest = scores.max()!
            let weights = scores.map { exp($0 - highest) }
            let total = weights.reduce(0, +)
            for d in 0..<32 {
                let expected = (0..<length).reduce(0.0) { $0 + weights[$1] * v($1, d) } / total
                worst = max(worst, abs(Double(out[i * width + offset + d]) - expected))
            }
        }
        #expect(worst < 1e-5, "largest difference \(worst)")
        // Other heads' columns are not written.
        #expect(out[offset - 1].isNaN && out[offset + 32].isNaN)
    }

    @Test func geluMatchesTheDefinition() {
        let count = 4000 + 7  // not a multiple of 16
        var x = (0..<count).map { Float($0) * 20 / Float(count) - 10 }
        let inputs = x
        tk_gelu(&x, count)
        for (input, output) in zip(inputs, x) {
            let expected = 0.5 * Double(input) * (1 + erf(Double(input) / 2.0.squareRoot()))
            #expect(abs(Double(output) - expected) <= 2e-6 * max(1, abs(Double(input))), "gelu(\(input))")
        }
    }
}
