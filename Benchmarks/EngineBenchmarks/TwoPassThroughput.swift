import Foundation
@_spi(Benchmarks) import VectorStore

/// The two passes of an exact search, in process: how fast the int8 first pass reads (against
/// the machine's bandwidth), how many rows it leaves for float32 rescoring, and the whole
/// search beside the plain float32 scan — whose answers it must equal.
enum TwoPassThroughput {
    static func run(sizes: [Int], bandwidth: Double) {
        print()
        print("First pass: \(SearchProbe.firstPassInstructionSet)")
        print()
        print(
            "| records | threads | queries per pass | first pass ms | first pass GB/s (% of 1-thread bw) | rows rescored per query | rescore ms | ms per query | plain float32 scan ms (1 thread) | answers identical |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for count in sizes {
            var generator = Generator()
            let probe = SearchProbe(space: "cosine", rows: (0..<count).map { generator.vector($0) })
            let queries = (0..<64).map { generator.vector($0 * 7 + 3) }
            var plain: [Double] = []
            var identical = true
            for query in queries.prefix(20) {
                var rows: [Int32] = []
                plain.append(seconds { rows = probe.plainScan(query, k: 10) })
                identical = identical && rows == probe.twoPass([query], k: 10, threads: 1).rows[0]
            }
            for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
                for perPass in [1, 8] {
                    var first: [Double] = [], rescore: [Double] = [], total: [Double] = [], rescored: [Int] = []
                    for start in stride(from: 0, to: 64 - perPass + 1, by: perPass) {
                        let batch = Array(queries[start..<start + perPass])
                        let outcome = probe.twoPass(batch, k: 10, threads: threads)
                        first.append(outcome.firstPassSeconds)
                        rescore.append(outcome.rescoreSeconds)
                        total.append((outcome.firstPassSeconds + outcome.rescoreSeconds) / Double(perPass))
                        rescored += outcome.rescored
                    }
                    let firstP50 = percentile(first, 0.5)
                    let gbs = Double(probe.compactBytes) / firstP50 / 1e9
                    print(
                        String(
                            format: "| %d | %d | %d | %.2f | %.1f (%.0f%%) | %.0f | %.3f | %.2f | %.2f | %@ |", count,
                            threads,
                            perPass, firstP50 * 1000, gbs, gbs / bandwidth * 100,
                            Double(rescored.reduce(0, +)) / Double(rescored.count), percentile(rescore, 0.5) * 1000,
                            percentile(total, 0.5) * 1000, percentile(plain, 0.5) * 1000, identical ? "yes" : "NO"))
                }
            }
        }
    }
}
