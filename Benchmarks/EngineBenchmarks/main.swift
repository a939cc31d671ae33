// Engine benchmarks for VectorStore: ingest, single/batched/concurrent query latency,
// filtered queries, cold open, memory, disk, and the scan's bandwidth against the machine's.
//
//   swift build -c release --product thoth-bench && .build/release/thoth-bench 10000 100000
//   .build/release/thoth-bench two-pass 1000000     # only the two-pass search table
//   .build/release/thoth-bench 10000000 --keep      # keep the store (its path goes to stderr)
//   .build/release/thoth-bench open DIR             # open a kept store: open, first answer, p50, RSS
//   .build/release/thoth-bench two-pass 100000 --data .build/bench-data/real.f32   # on real embeddings
//   .build/release/thoth-bench two-pass 1000000 --data FILE --prefixed   # only the prefix-code search
//   .build/release/thoth-bench embed MODEL_DIR [--float32]   # MiniLM sentences/s (no AMX with --float32)
//   .build/release/thoth-bench discovery FIXTURES MODEL_DIR   # discovery articles parsed and scored per second
//   .build/release/thoth-bench citations FIXTURES   # references parsed per second
//
// Prints Markdown tables (pasted into BENCHMARKS.md).
import Dispatch
import Foundation
@_spi(Benchmarks) import VectorStore

let dimension = 384
if CommandLine.arguments.dropFirst().first == "embed" {
    let arguments = CommandLine.arguments.dropFirst(2)
    try EmbeddingThroughput.run(
        modelDirectory: arguments.first { $0 != "--float32" } ?? "models/all-MiniLM-L6-v2",
        float32Only: arguments.contains("--float32"))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "citations" {
    try CitationThroughput.run(fixtures: CommandLine.arguments.dropFirst(2).first ?? "Tests/Fixtures/citations")
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "discovery" {
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    // The main thread waits on the benchmark's task: nothing else runs in this process.
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            try await DiscoveryThroughput.run(
                fixtures: arguments.first ?? "Tests/Fixtures/discovery",
                modelDirectory: arguments.dropFirst().first ?? "models/all-MiniLM-L6-v2")
        } catch {
            print("discovery benchmark failed: \(error)")
        }
        done.signal()
    }
    done.wait()
    exit(0)
}
let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
if CommandLine.arguments.dropFirst().first == "two-pass" {
    let data = try CommandLine.arguments.firstIndex(of: "--data").map {
        try TwoPassThroughput.DataSet.file(CommandLine.arguments[$0 + 1])
    }
    try TwoPassThroughput.run(
        sizes: sizes, bandwidth: memoryBandwidthGBs(), data: data ?? .generated,
        prefixedOnly: CommandLine.arguments.contains("--prefixed"))
    exit(0)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

if CommandLine.arguments.dropFirst().first == "open", CommandLine.arguments.count > 2 {
    var store: VectorStore?
    let open = try seconds { store = try VectorStore(path: CommandLine.arguments[2]) }
    let info = try store!.collections()[0]
    var generator = Generator()
    let queries = (0..<51).map { generator.vector($0 * 7 + 3) }
    let first = try seconds { _ = try store!.query(info.id, embeddings: [queries[0]], nResults: 10) }
    let next = try queries.dropFirst().map { query in
        try seconds { _ = try store!.query(info.id, embeddings: [query], nResults: 10) }
    }
    print("| records | open ms | first answer ms | p50 of the next 50 ms | RSS MiB (of it mapped files) |")
    print("|---|---|---|---|---|")
    print(
        String(
            format: "| %d | %.0f | %.0f | %.2f | %.0f (%.0f) |", try store!.count(info.id), open * 1000,
            first * 1000, percentile(next, 0.5) * 1000, residentMiB(), residentMiB("RssFile")))
    exit(0)
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// The process's resident MiB: `VmRSS`, or another line of /proc/self/status such as `RssFile`
/// (mapped file pages: the rows files' pages that searches touched).
func residentMiB(_ field: String = "VmRSS") -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
    // "VmRSS:\t 123456 kB", or with no space once the number takes eight digits.
    return Double(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

/// Bytes the files under `directory` take on disk (allocated blocks: the rows files are sparse).
func fileBytes(_ directory: String) -> Int {
    let names = FileManager.default.subpaths(atPath: directory) ?? []
    return names.reduce(0) { total, name in
        var status = stat()
        return total + (stat(directory + "/" + name, &status) == 0 ? Int(status.st_blocks) * 512 : 0)
    }
}

/// Recall@10 of the store's answers to the first 100 queries against an exact answer computed
/// apart from the store: every vector generated again, normalised, scored by BLAS `sgemm`. Where
/// the two disagree, both candidate lists are ranked again in float64 (rounding in the tenth place
/// can swap near-ties): the second figure is recall against that.
func recall(_ store: VectorStore, _ collection: String, count: Int) throws -> String {
    var generator = Generator()
    let queries = (0..<200).map { generator.vector($0 * 7 + 3) }.prefix(100).map(unit)
    var exact = ExactReference(queries: Array(queries), k: 10)
    let time = seconds {
        let block = 8192
        for start in stride(from: 0, to: count, by: block) {
            let rows = min(block, count - start)
            exact.add(Array((start..<start + rows).map { unit(generator.vector($0)) }.joined()), rows: rows)
        }
    }
    var found = 0, foundPrecise = 0, largestGap = 0.0
    for (query, answer) in zip(queries, exact.answers) {
        let got = try store.query(collection, embeddings: [query], nResults: 10).results[0].ids
        let reference = answer.map { "id-\($0.row)" }
        found += Set(got).intersection(reference).count
        guard Set(got) != Set(reference) else {
            foundPrecise += 10
            continue
        }
        let union = Array(Set(got).union(reference))
        let stored = try store.get(from: collection, ids: union, include: [.embeddings])
        let distances = zip(stored.ids, stored.embeddings ?? []).map { id, vector in
            let norm = vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return (id, 1 - zip(vector, query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / norm)
        }
        let truth = distances.sorted { $0.1 < $1.1 }.prefix(10)
        foundPrecise += Set(got).intersection(truth.map(\.0)).count
        let byID = Dictionary(uniqueKeysWithValues: distances)
        largestGap = max(largestGap, got.compactMap { byID[$0] }.max()! - truth.last!.1)
    }
    return String(
        format: "| %d | %.4f | %.4f | %.1e | %.1f |", count, Double(found) / 1000, Double(foundPrecise) / 1000,
        largestGap, time)
}

func unit(_ vector: [Float]) -> [Float] {
    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return vector.map { $0 / norm }
}

/// Clustered unit-scale vectors, as embeddings of related texts are.
struct Generator {
    var state: UInt64 = 0x1234_5678
    let centroids: [[Float]]
    init() {
        var state: UInt64 = 99
        centroids = (0..<64).map { _ in (0..<dimension).map { _ in Generator.uniform(&state) * 2 - 1 } }
    }
    static func uniform(_ state: inout UInt64) -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(state >> 40) / Float(1 << 24)
    }
    mutating func vector(_ i: Int) -> [Float] {
        centroids[i % 64].map { $0 + (Generator.uniform(&state) - 0.5) * 0.6 }
    }
}

/// Single-thread read bandwidth: a SIMD sum over 1 GiB (the ceiling of a float32 scan).
func memoryBandwidthGBs() -> Double {
    let floats = [Float](repeating: 1, count: 1 << 28)
    var best = 0.0
    for _ in 0..<3 {
        var total = SIMD16<Float>()
        let time = seconds {
            floats.withUnsafeBufferPointer { buffer in
                let raw = UnsafeRawPointer(buffer.baseAddress!)
                var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
                var index = 0
                while index < buffer.count {
                    acc0 += raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
                    acc1 += raw.loadUnaligned(fromByteOffset: index * 4 + 64, as: SIMD16<Float>.self)
                    index += 32
                }
                total = acc0 + acc1
            }
        }
        precondition(total.sum() > 0)
        best = max(best, Double(floats.count * 4) / time / 1e9)
    }
    return best
}

let bandwidth = memoryBandwidthGBs()
print(
    "Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; single-thread read bandwidth "
        + "\(String(format: "%.1f", bandwidth)) GB/s; scan kernels: \(ScanKernels.instructionSet)"
)
print()
print(
    "| records | ingest rec/s | disk B/rec | cold open→first query ms | query p50 ms | p99 ms | 64-query batch ms/query | 8-thread QPS | filter 1% p50 ms | filter 50% p50 ms | $contains p50 ms | RSS MiB (of it mapped files) |"
)
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
var kernelRows: [String] = []
var recallRows: [String] = []
var restartRows: [String] = []
for count in sizes {
    let directory = NSTemporaryDirectory() + "thoth-bench-\(count)-\(UUID().uuidString)"
    defer {
        if CommandLine.arguments.contains("--keep") {
            FileHandle.standardError.write(Data("kept \(directory)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
    var store = try VectorStore(path: directory)
    let info = try store.createCollection(name: "bench", metadata: ["hnsw:space": .string("cosine")])
    var generator = Generator()
    var queries: [[Float]] = (0..<200).map { generator.vector($0 * 7 + 3) }
    let batch = 1000
    let ingest = try seconds {
        for start in stride(from: 0, to: count, by: batch) {
            let ids = (start..<min(count, start + batch)).map { $0 }
            try store.add(
                to: info.id,
                RecordBatch(
                    ids: ids.map { "id-\($0)" }, embeddings: ids.map { generator.vector($0) },
                    documents: ids.map { "document \($0) about topic \($0 % 64)" },
                    metadatas: ids.map { ["bucket": .int(Int64($0 % 100)), "even": .bool($0 % 2 == 0)] }))
        }
    }
    try store.close()
    let diskPerRecord = fileBytes(directory) / count
    let coldOpen = try seconds {
        store = try VectorStore(path: directory)
        _ = try store.query(info.id, embeddings: [queries[0]], nResults: 10)
    }
    // Steady state: the first search started grouping the rows in the background.
    let grouping = try seconds { try store.waitForBackgroundGrouping(info.id) }
    var latencies: [Double] = []
    for query in queries {
        latencies.append(try seconds { _ = try store.query(info.id, embeddings: [query], nResults: 10) })
    }
    let p50 = percentile(latencies, 0.5), p99 = percentile(latencies, 0.99)
    let batched = try seconds { _ = try store.query(info.id, embeddings: Array(queries[0..<64]), nResults: 10) } / 64
    let perThread = max(10, 2_000_000 / count)
    let sharedStore = store, sharedQueries = queries
    // Eight real threads (concurrentPerform would run only as many as there are cores).
    let concurrent = seconds {
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                for i in 0..<perThread {
                    _ = try? sharedStore.query(
                        info.id, embeddings: [sharedQueries[(thread * 13 + i) % 200]], nResults: 10)
                }
                group.leave()
            }
        }
        group.wait()
    }
    let qps = Double(8 * perThread) / concurrent
    let onePercent = try Where.parse(["bucket": 7])
    let half = try Where.parse(["even": true])
    var filtered1: [Double] = [], filtered50: [Double] = [], contains: [Double] = []
    for query in queries.prefix(50) {
        filtered1.append(
            try seconds { _ = try store.query(info.id, embeddings: [query], nResults: 10, where: onePercent) })
        filtered50.append(try seconds { _ = try store.query(info.id, embeddings: [query], nResults: 10, where: half) })
        contains.append(
            try seconds {
                _ = try store.query(info.id, embeddings: [query], nResults: 10, whereDocument: .contains("topic 17"))
            })
    }
    let rss = residentMiB(), mapped = residentMiB("RssFile")
    print(
        "| \(count) | \(Int(Double(count) / ingest)) | \(diskPerRecord) | \(String(format: "%.0f", coldOpen * 1000)) | "
            + String(
                format: "%.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.0f (%.0f) |", p50 * 1000, p99 * 1000,
                batched * 1000, qps, percentile(filtered1, 0.5) * 1000,
                percentile(filtered50, 0.5) * 1000, percentile(contains, 0.5) * 1000, rss, mapped))

    if CommandLine.arguments.contains("--recall") {
        recallRows.append(try recall(store, info.id, count: count))
    }
    // A restart: the grouping the first open built comes back with the snapshot.
    try store.close()
    let reopen = try seconds {
        store = try VectorStore(path: directory)
        _ = try store.query(info.id, embeddings: [queries[1]], nResults: 10)
    }
    let regrouping = try seconds { try store.waitForBackgroundGrouping(info.id) }
    var reopened: [Double] = []
    for query in queries.prefix(50) {
        reopened.append(try seconds { _ = try store.query(info.id, embeddings: [query], nResults: 10) })
    }
    restartRows.append(
        String(
            format: "| %d | %.0f | %.0f | %.0f | %.2f |", count, grouping * 1000, reopen * 1000, regrouping * 1000,
            percentile(reopened, 0.5) * 1000))
    // Beyond a few million rows the float32 copy below would not fit beside the store.
    guard count <= 2_000_000 else {
        queries.removeAll()
        try store.close()
        continue
    }
    // Kernel choice for one query: our dispatched kernel against BLAS sgemv, on the same matrix.
    let matrix = (0..<count).flatMap { generator.vector($0) }
    var scores = [Float](repeating: 0, count: count)
    var simd: [Double] = [], sgemv: [Double] = []
    matrix.withUnsafeBufferPointer { m in
        for query in queries.prefix(50) {
            simd.append(
                seconds {
                    _ = ScanKernels.simdTopK(m.baseAddress!, rows: count, dimension: dimension, query: query, k: 10)
                })
            sgemv.append(
                seconds {
                    _ = ScanKernels.sgemvTopK(
                        m.baseAddress!, rows: count, dimension: dimension, query: query, k: 10, scores: &scores)
                })
        }
    }
    kernelRows.append(
        String(format: "| %d | %.2f | %.2f |", count, percentile(simd, 0.5) * 1000, percentile(sgemv, 0.5) * 1000))
    queries.removeAll()
    try store.close()
}
print()
print(
    "| records | grouping after the first open's first search ms | restart → first answer ms | grouping after the restart's first search ms | p50 of the restart's next 50 queries ms |"
)
print("|---|---|---|---|---|")
restartRows.forEach { print($0) }
print()
print("| records | dispatched C kernel p50 ms | BLAS sgemv p50 ms |")
print("|---|---|---|")
kernelRows.forEach { print($0) }
if !recallRows.isEmpty {
    print()
    print(
        "| records | recall@10 of 100 queries against BLAS float32 over the regenerated vectors | against float64 where they differ | largest distance by which a returned row misses the float64 top 10 | exact answer s |"
    )
    print("|---|---|---|---|---|")
    recallRows.forEach { print($0) }
}

try TwoPassThroughput.run(sizes: sizes.filter { $0 <= 2_000_000 }, bandwidth: bandwidth)
JSONThroughput.run()
