import Foundation
import JSON

@testable import VectorStore

/// A store in a fresh temporary directory, removed when the fixture goes away.
final class StoreFixture {
    let directory: String
    private var current: VectorStore?
    var store: VectorStore { current! }

    init() throws {
        directory = NSTemporaryDirectory() + "thoth-test-" + UUID().uuidString
        current = try VectorStore(path: directory)
    }

    deinit {
        try? current?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Closes and reopens the store from disk; its indexes are saved `snapshotDelay` after writes pause.
    func reopen(snapshotDelay: Duration = .seconds(2)) throws {
        try store.close()
        current = nil
        current = try VectorStore(path: directory, snapshotDelay: snapshotDelay)
    }

    /// Drops the store without closing it, as a killed process does (nothing is saved that was
    /// not already), and opens it again.
    func abandonAndReopen() throws {
        current = nil
        current = try VectorStore(path: directory)
    }

    /// A collection with records r0…r(n-1) from `vectors`, optional documents and metadata.
    func collection(
        _ name: String = "test", space: DistanceSpace = .l2, vectors: [[Float]], documents: [String?]? = nil,
        metadatas: [Metadata?]? = nil
    ) throws -> CollectionInfo {
        let info = try store.createCollection(name: name, metadata: ["hnsw:space": .string(space.rawValue)])
        if !vectors.isEmpty {
            try store.add(
                to: info.id,
                RecordBatch(
                    ids: vectors.indices.map { "r\($0)" }, embeddings: vectors, documents: documents,
                    metadatas: metadatas?.map { $0?.mapValues { Optional($0) } }))
        }
        return info
    }
}

/// Parses a `where` filter from JSON text.
func whereFilter(_ json: String) throws -> Where? {
    try Where.parse(JSONReader.parse(json))
}

func whereDocument(_ json: String) throws -> WhereDocument? {
    try WhereDocument.parse(JSONReader.parse(json))
}

/// A deterministic pseudo-random generator (tests must be repeatable).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomVectors(_ count: Int, dimension: Int, seed: UInt64 = 1) -> [[Float]] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) } }
}
