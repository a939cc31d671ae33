import Foundation
@_spi(Benchmarks) import VectorStore

/// The two passes of an exact search, in process: how fast the int8 first pass reads (against
/// the machine's bandwidth), how many rows it leaves for float32 rescoring, and the whole
/// search beside the plain float32 scan — whose answers it must equal.
enum TwoPassThroughput {
    /// Rows and queries: generated clusters, or real embeddings from a raw float32 file
    /// (`Benchmarks/real_embeddings.py`) whose first 1,000 rows are the held-out queries.
    struct DataSet: Sendable {
        let name: String
        let rows: @Sendable (Int) -> [[Float]]
        let queries: [[Float]]

        static let generated = DataSet(
            name: "generated clusters",
            rows: { count in
                var generator = Generator()
                return (0..<count).map { generator.vector($0) }
            },
            queries: {
                var generator = Generator()
                return (0..<64).map { generator.vector($0 * 7 + 3) }
            }())

        static func file(_ path: String) throws -> DataSet {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let all = data.withUnsafeBytes { raw in
                let floats = raw.bindMemory(to: Float.self)
                return (0..<floats.count / dimension).map { Array(floats[$0 * dimension..<($0 + 1) * dimension]) }
            }
            let held = 1000
            precondition(all.count > held, "\(path) holds \(all.count) rows")
            return DataSet(
                name: "real embeddings (\(path))",
                rows: { count in
                    precondition(held + count <= all.count, "\(path) holds \(all.count - held) rows, \(count) asked")
                    return Array(all[held..<held + count])
                }, queries: Array(all[0..<64]))
        }
    }

    static func run(sizes: [Int], bandwidth: Double, data: DataSet = .generated, prefixedOnly: Bool = false) throws {
        let variants = [(false, false, false), (false, false, true), (true, false, false), (true, true, false)]
        for (grouped, always, prefixed) in variants where prefixed || !prefixedOnly {
            try run(
                sizes: sizes, bandwidth: bandwidth, grouped: grouped, groupsAlways: always, prefixed: prefixed,
                data: data)
        }
    }

    static func run(
        sizes: [Int], bandwidth: Double, grouped: Bool, groupsAlways: Bool, prefixed: Bool, data: DataSet
    ) throws {
        print()
        let how =
            prefixed
            ? "prefix codes on the principal axes read for every row, full codes of the rows bounded"
            : !grouped
                ? "every row scanned"
                : groupsAlways
                    ? "rows grouped, never giving up on the groups (first pass time includes rescoring)"
                    : "rows grouped (first pass time includes rescoring; queries the groups did not pay for take the plain pass)"
        print("\(data.name). First pass: \(SearchProbe.firstPassInstructionSet); \(how)")
        print()
        print(
            "| records | threads | queries per pass | first pass ms | first pass GB/s (% of 1-thread bw) | rows bounded per query | rows rescored per query | rescore ms | ms per query | plain float32 scan ms (1 thread) | answers identical |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for count in sizes {
            let probe = try SearchProbe(space: "cosine", rows: data.rows(count), grouped: grouped, prefixed: prefixed)
            let queries = data.queries
            if prefixed {
                print(
                    "(Prefix codes \(probe.hasPrefix ? "built" : "not built: the axes hold too little") at \(count).)\n"
                )
            }
            if grouped, !groupsAlways {
                print(
                    "(The trial on a sample says grouping \(probe.groupingPays ? "pays" : "does not pay") at \(count).)\n"
                )
            }
            var plain: [Double] = []
            var identical = true
            for query in queries {
                var rows: [Int32] = []
                plain.append(seconds { rows = probe.plainScan(query, k: 10) })
                identical =
                    identical && rows == probe.twoPass([query], k: 10, threads: 2, groupsAlways: groupsAlways).rows[0]
            }
            for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
                for perPass in [1, 8] {
                    var first: [Double] = [], rescore: [Double] = [], total: [Double] = []
                    var rescored: [Int] = [], bounded: [Int] = []
                    for start in stride(from: 0, to: 64 - perPass + 1, by: perPass) {
                        let batch = Array(queries[start..<start + perPass])
                        let outcome = probe.twoPass(batch, k: 10, threads: threads, groupsAlways: groupsAlways)
                        first.append(outcome.firstPassSeconds)
                        rescore.append(outcome.rescoreSeconds)
                        total.append((outcome.firstPassSeconds + outcome.rescoreSeconds) / Double(perPass))
                        rescored += outcome.rescored
                        bounded += outcome.bounded
                    }
                    let firstP50 = percentile(first, 0.5)
                    let meanBounded = Double(bounded.reduce(0, +)) / Double(bounded.count)
                    // Bytes the first pass actually read: the prefix codes, once per pass, and the
                    // codes of the rows it bounded.
                    let read =
                        Double(probe.prefixBytes)
                        + Double(probe.compactBytes) * meanBounded / Double(count) * Double(perPass)
                    let gbs = read / firstP50 / 1e9
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
