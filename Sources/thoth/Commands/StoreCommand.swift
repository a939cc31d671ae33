import ArgumentParser
import Foundation
import JSON
import Thoth
import VectorStore

/// `thoth store …`: maintenance of the embedded store.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Inspect or load the embedded vector store.",
        subcommands: [StoreCheckCommand.self, StoreFillCommand.self])
}

/// Opens the store, runs SQLite's integrity check, opens each collection's index as a search
/// would (from its row files when they are current) and compares it with SQLite, and lists the
/// collections.
struct StoreCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the store's integrity and its row files against SQLite; list its collections as JSON.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let vectorStore = try VectorStore(path: store.path)
        defer { try? vectorStore.close() }
        let integrity = try vectorStore.integrityCheck()
        var collections: [JSONValue] = []
        var problems: [JSONValue] = []
        for database in try vectorStore.databases() {
            for info in try vectorStore.collections(database: database.name) {
                var rows: JSONValue
                do {
                    rows = .string(try vectorStore.checkRows(info.id).rawValue)
                } catch {
                    rows = .string("\(error)")
                    problems.append(rows)
                }
                collections.append([
                    "database": .string(database.name), "name": .string(info.name), "id": .string(info.id),
                    "count": .int(Int64(try vectorStore.count(info.id))),
                    "dimension": info.dimension.map { .int(Int64($0)) } ?? .null, "space": .string(info.space.rawValue),
                    "rows": rows,
                ])
            }
        }
        let ok = integrity == ["ok"] && problems.isEmpty
        print(
            JSONWriter.string([
                "integrity": integrity == ["ok"] ? "ok" : .array(integrity.map { .string($0) }),
                "rows": problems.isEmpty ? "ok" : .array(problems), "collections": .array(collections),
            ]))
        if !ok { throw ExitCode.failure }
    }
}

/// Writes synthetic, deterministic records in batches, printing `ack N` after each batch
/// commits. Used by benchmarks and by the crash test, which kills it mid-write.
struct StoreFillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill", abstract: "Add synthetic records in batches (for benchmarks and crash tests).")

    @OptionGroup var store: StoreOptions
    @Option(help: "Collection to fill (created if missing).") var collection = "synthetic"
    @Option(help: "Number of records.") var count = 10_000
    @Option(help: "Records per batch.") var batch = 1_000
    @Option(help: "Embedding dimension.") var dimension = 384
    @Option(help: "Distance space: l2, cosine or ip.") var space = "cosine"
    @Option(help: "Seed of the generator.") var seed: UInt64 = 42
    @Option(help: "Index of the first record (ids are rec-N).") var start = 0
    @Option(help: "Seconds to pause after each batch (lets the store save its indexes between batches).")
    var pause = 0.0

    func run() throws {
        let vectorStore = try VectorStore(path: store.path)
        defer { try? vectorStore.close() }
        let info = try vectorStore.createCollection(
            name: collection, metadata: ["hnsw:space": .string(space)], getOrCreate: true)
        var generator = SyntheticData(seed: seed, dimension: dimension)
        var next = start
        var batchNumber = 0
        let began = ContinuousClock.now
        while next < start + count {
            let size = min(batch, start + count - next)
            let records = (next..<next + size).map { generator.record($0) }
            try vectorStore.add(
                to: info.id,
                RecordBatch(
                    ids: records.map(\.id), embeddings: records.map(\.embedding), documents: records.map(\.document),
                    metadatas: records.map { $0.metadata.mapValues { Optional($0) } }))
            // Written unbuffered: the crash test reads these lines as the acknowledgements.
            FileHandle.standardOutput.write(Data("ack \(batchNumber) \(next) \(size)\n".utf8))
            next += size
            batchNumber += 1
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
        }
        let elapsed = ContinuousClock.now - began
        let seconds = elapsed.seconds
        FileHandle.standardError.write(
            Data(
                "added \(count) records in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / max(seconds, 1e-9))) records/s)\n"
                    .utf8))
    }
}

/// Clustered vectors with small metadata and short documents, reproducible from a seed.
struct SyntheticData {
    let dimension: Int
    private let centroids: [[Float]]
    private var state: UInt64
    private static let words = [
        "vector", "search", "exact", "cosine", "paper", "research", "neural", "graph", "index", "query",
    ]

    init(seed: UInt64, dimension: Int, clusters: Int = 64) {
        self.dimension = dimension
        state = seed &* 6_364_136_223_846_793_005 &+ 1
        var centroids: [[Float]] = []
        for _ in 0..<clusters {
            var centroid: [Float] = []
            for _ in 0..<dimension { centroid.append(Float(Self.uniform(&state) * 2 - 1)) }
            centroids.append(centroid)
        }
        self.centroids = centroids
    }

    mutating func record(_ index: Int) -> (id: String, embedding: [Float], document: String, metadata: Metadata) {
        let cluster = index % centroids.count
        let embedding = centroids[cluster].map { $0 + Float(Self.uniform(&state) - 0.5) * 0.6 }
        let document =
            (0..<6).map { _ in Self.words[Int(Self.uniform(&state) * Double(Self.words.count))] }
            .joined(separator: " ") + " #\(index)"
        return (
            "rec-\(index)", embedding, document,
            ["cluster": .int(Int64(cluster)), "bucket": .int(Int64(index % 100)), "even": .bool(index % 2 == 0)]
        )
    }

    private static func uniform(_ state: inout UInt64) -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}
