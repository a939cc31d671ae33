import Foundation
@_spi(Benchmarks) import VectorStore

/// The two passes of an exact search, in process: how fast the int8 first pass reads (against
/// the machine's bandwidth), how many rows it leaves for float32 rescoring, and the whole
/// search beside the plain float32 scan — whose answers it must equal.
enum TwoPassThroughput {
    static func run(sizes: [Int], bandwidth: Double) {
        for grouped in [false, true] { run(sizes: sizes, bandwidth: bandwidth, grouped: grouped) }
    }

    static func run(sizes: [Int], bandwidth: Double, grouped: Bool) {
        print()
        print(
            "First pass: \(SearchProbe.firstPassInstructionSet); "
                + (grouped ? "rows grouped (first pass time includes rescoring)" : "every row scanned"))
        print()
        print(
            "| records | threads | queries per pass | first pass ms | first pass GB/s (% of 1-thread bw) | rows bounded per query | rows rescored per query | rescore ms | ms per query | plain float32 scan ms (1 thread) | answers identical |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for count in sizes {
            var generator = Generator()
            let probe = SearchProbe(space: "cosine", rows: (0..<count).map { generator.vector($0) }, grouped: grouped)
            let queries = (0..<64).map { generator.vector($0 * 7 + 3) }
            var plain: [Double] = []
            var identical = true
            for query in queries.prefix(20) {
                var rows: [Int32] = []
                plain.append(seconds { rows = probe.plainScan(query, k: 10) })
                identical = identical && rows == probe.twoPass([query], k: 10, threads: 2).rows[0]
            }
            for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
                for perPass in [1, 8] {
                    var first: [Double] = [], rescore: [Double] = [], total: [Double] = []
                    var rescored: [Int] = [], bounded: [Int] = []
                    for start in stride(from: 0, to: 64 - perPass + 1, by: perPass) {
                        let batch = Array(queries[start..<start + perPass])
                        let outcome = probe.twoPass(batch, k: 10, threads: threads)
                        first.append(outcome.firstPassSeconds)
                        rescore.append(outcome.rescoreSeconds)
                        total.append((outcome.firstPassSeconds + outcome.rescoreSeconds) / Double(perPass))
                        rescored += outcome.rescored
                        bounded += outcome.bounded
                    }
                    let firstP50 = percentile(first, 0.5)
                    let meanBounded = Double(bounded.reduce(0, +)) / Double(bounded.count)
                    // Bytes the first pass actually read: the codes of the rows it bounded.
                    let gbs =
                        Double(probe.compactBytes) * meanBounded / Double(count) * Double(perPass) / firstP50 / 1e9
                    print(
                        String(
                            format: "| %d | %d | %d | %.2f | %.1f (%.0f%%) | %.0f | %.0f | %.3f | %.2f | %.2f | %@ |",
                            count, threads, perPass, firstP50 * 1000, gbs, gbs / bandwidth * 100, meanBounded,
                            Double(rescored.reduce(0, +)) / Double(rescored.count), percentile(rescore, 0.5) * 1000,
                            percentile(total, 0.5) * 1000, percentile(plain, 0.5) * 1000, identical ? "yes" : "NO"))
                }
            }
        }
    }
}
