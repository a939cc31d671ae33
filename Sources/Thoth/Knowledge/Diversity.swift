/// Maximal marginal relevance (Carbonell and Goldstein, 1998): passages picked one at a time,
/// each the most similar to the query once its similarity to those already picked is
/// discounted, so five near-copies of one paragraph do not fill an answer.
enum Diversity {
    /// The order of `candidates` to keep (at most `k`): `lambda` 1 is relevance alone, 0 diversity alone.
    static func maximalMarginalRelevance(query: [Float], candidates: [[Float]], k: Int, lambda: Double) -> [Int] {
        let unit = candidates.map(normalized)
        let q = normalized(query)
        let relevance = unit.map { Double(dot($0, q)) }
        var picked: [Int] = []
        var closest = [Double](repeating: -1, count: unit.count)
        var left = Set(unit.indices)
        while picked.count < min(k, unit.count) {
            let next = left.max { a, b in
                let (x, y) = (value(a), value(b))
                return x != y ? x < y : a > b  // ties: the earlier (better ranked) candidate
            }!
            picked.append(next)
            left.remove(next)
            for index in left { closest[index] = max(closest[index], Double(dot(unit[index], unit[next]))) }
        }
        return picked

        func value(_ index: Int) -> Double {
            lambda * relevance[index] - (1 - lambda) * (picked.isEmpty ? 0 : closest[index])
        }
    }

    /// The cosine similarity of two vectors (0 when either is zero).
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        Double(dot(normalized(a), normalized(b)))
    }

    private static func dot(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    private static func normalized(_ v: [Float]) -> [Float] {
        let norm = dot(v, v).squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
