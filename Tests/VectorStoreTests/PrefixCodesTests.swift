import CScanKernels
import Foundation
import Testing

@testable import VectorStore

/// The prefix pass reads each row's first coordinates on the collection's principal axes and
/// bounds the rest: its lower bounds must never exceed a row's true distance, and searches
/// through it must return exactly what the plain float32 scan returns.
@Suite struct PrefixCodesTests {
    static let dimension = 128
    static let width = 32

    /// Rows like real text embeddings: most of their length in a few directions of very
    /// different weight, the rest spread thin (seeded).
    static func anisotropic(count rows: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        func gaussian() -> Float {
            let u = Float.random(in: Float.leastNonzeroMagnitude...1, using: &generator)
            let v = Float.random(in: 0...1, using: &generator)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var directions = SeededGenerator(seed: 99)
        let basis = (0..<48).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &directions) } }
        return (0..<rows).map { _ in
            var row = (0..<dimension).map { _ in 0.04 * gaussian() }
            for (index, direction) in basis.enumerated() {
                let weight = gaussian() / (1 + Float(index) / 4)
                for d in 0..<dimension { row[d] += weight * direction[d] }
            }
            return row
        }
    }

    static func prefixed(_ space: DistanceSpace, _ rows: [[Float]]) throws -> CollectionMatrix {
        var matrix = try TwoPassSearchTests.matrix(space, rows)
        matrix.prefix = PrefixCodes(matrix, width: width, minimumRows: 0)
        return matrix
    }

    /// Every row's prefix lower bound against its exact distance, 1 − q·x, for each query.
    @Test(arguments: [DistanceSpace.cosine, .ip])
    func lowerBoundsNeverExceedTheTrueDistance(space: DistanceSpace) throws {
        let rows = Self.anisotropic(count: 3000, seed: 3)
        let matrix = try Self.prefixed(space, rows)
        let prefix = try #require(matrix.prefix)
        for query in Self.anisotropic(count: 6, seed: 4) + [rows[7], rows[8].map { -$0 }] {
            let prepared = matrix.prepared(query)
            let head = prefix.query(prepared)
            var lower = [Float](repeating: 0, count: prefix.count)
            var sums = [Int32](repeating: 0, count: (prefix.count + 15) / 16 * 16)
            let bad = withUnsafePointer(to: head.info) { info in
                prefix.codes.withUnsafeBufferPointer { codes in
                    scan_u8i8_prefix(
                        head.bytes, info, codes.baseAddress, prefix.rows, prefix.count, prefix.width, &sums, &lower)
                }
            }
            #expect(bad == 0)
            for row in 0..<matrix.count {
                let exact = 1 - zip(prepared, matrix.vector(row: row)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                #expect(Double(lower[row]) <= exact, "row \(row): bound \(lower[row]) above \(exact)")
            }
        }
    }

    @Test(arguments: [DistanceSpace.cosine, .ip])
    func searchesMatchThePlainScanAndReadFewRowsInFull(space: DistanceSpace) throws {
        let rows = Self.anisotropic(count: 4000, seed: 5)
        let matrix = try Self.prefixed(space, rows)
        #expect(matrix.prefix != nil)
        let queries = Self.anisotropic(count: 8, seed: 6).map(matrix.prepared)
        for threads in [1, 2] {
            for batch in [1, 8] {
                for k in [1, 10, 100] {
                    let outcome = TwoPassSearch.search(
                        matrix, queries: queries.prefix(batch).map { ($0, k) }, candidates: nil, threads: threads)
                    for (index, query) in queries.prefix(batch).enumerated() {
                        let plain = ExactSearch.searchOne(matrix, query: query, k: k, candidates: nil)
                        #expect(outcome.hits[index].map(\.row) == plain.map(\.row), "k \(k), \(threads) threads")
                        #expect(outcome.hits[index].map(\.distance.bitPattern) == plain.map(\.distance.bitPattern))
                    }
                    if k == 10 { #expect(outcome.bounded.allSatisfy { $0 < matrix.count / 4 }, "\(outcome.bounded)") }
                }
            }
        }
    }

    /// Rows with no preferred directions: the axes hold too little of them, nothing is built.
    @Test func isotropicRowsGetNoPrefix() throws {
        let rows = TwoPassSearchTests.rows(.random, count: 3000, dimension: Self.dimension, seed: 8)
        #expect(try Self.prefixed(.cosine, rows).prefix == nil)
        #expect(try Self.prefixed(.l2, Self.anisotropic(count: 3000, seed: 8)).prefix == nil)
    }

    /// Appended rows are read in full; replacing or removing a covered row drops the prefix.
    @Test func writesKeepSearchesExact() throws {
        var matrix = try Self.prefixed(.cosine, Self.anisotropic(count: 3000, seed: 9))
        let extra = Self.anisotropic(count: 500, seed: 10)
        try matrix.append(seqs: (0..<500).map { Int64(3000 + $0) }, vectors: extra)
        #expect(matrix.prefix?.count == 3000)
        let queries = extra.prefix(4).map(matrix.prepared) + Self.anisotropic(count: 4, seed: 11).map(matrix.prepared)
        let outcome = TwoPassSearch.search(matrix, queries: queries.map { ($0, 10) }, candidates: nil, threads: 2)
        for (index, query) in queries.enumerated() {
            let plain = ExactSearch.searchOne(matrix, query: query, k: 10, candidates: nil)
            #expect(outcome.hits[index].map(\.row) == plain.map(\.row))
        }
        #expect(outcome.hits[0].first?.row == 3000)
        try matrix.replace(row: 3100, vector: extra[0])
        #expect(matrix.prefix != nil)
        try matrix.remove(rows: [3200])
        #expect(matrix.prefix != nil)
        try matrix.replace(row: 10, vector: extra[0])
        #expect(matrix.prefix == nil)
    }

    /// In a store: once the trial declines grouping, the background build makes prefix codes; the
    /// snapshot saves them, so a reopened collection has them before its first search.
    @Test func aCollectionThatIsNotGroupedGetsPrefixCodes() throws {
        let fixture = try StoreFixture()
        // 64 coordinates of slowly falling weight and thin noise in the rest: no clusters for
        // groups to bound (the trial declines), most of the length in a few axes.
        var generator = SeededGenerator(seed: 12)
        let dimension = 2 * PrefixCodes.defaultWidth
        let rows = (0..<PrefixCodes.minimumRows + 1).map { _ in
            (0..<dimension).map { d in
                Float.random(in: -1...1, using: &generator) * (d < 64 ? 1 / (1 + Float(d) / 16) : 0.04)
            }
        }
        let info = try fixture.collection(space: .cosine, vectors: rows)
        func prefixRows() throws -> Int? {
            let index = try fixture.store.indexes.index(for: info)
            index.waitForGrouping()
            return index.lock.withReadLock { index.loaded?.matrix.prefix?.count }
        }
        let queries = Array(rows.suffix(3))
        let before = try fixture.store.query(info.id, embeddings: queries, nResults: 10)
        #expect(try prefixRows() == rows.count)
        let after = try fixture.store.query(info.id, embeddings: queries, nResults: 10)
        #expect(after.results.map(\.ids) == before.results.map(\.ids) && after.distances == before.distances)
        let index = try fixture.store.indexes.index(for: info)
        #expect(index.lock.withReadLock { index.loaded?.groupingDeclined } == rows.count)
        let stamp = try #require(index.lock.withReadLock { index.loaded?.stamp })

        try fixture.reopen()
        let path = fixture.directory + "/rows/\(info.id).rows"
        let saved = try #require(try RowSnapshot.read(from: path, stamp: stamp, dimension: dimension)?.prefix)
        #expect(saved.count == rows.count && saved.width == PrefixCodes.defaultWidth)
        // A file cut short in its prefix codes is not used (the index is rebuilt from SQLite).
        let cut = fixture.directory + "/cut.rows"
        try FileManager.default.copyItem(atPath: path, toPath: cut)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: cut)[.size] as? Int)
        #expect(truncate(cut, off_t(size - 1)) == 0)
        #expect(try RowSnapshot.read(from: cut, stamp: stamp, dimension: dimension) == nil)
        // Loaded by a read that never starts a build: the codes come from the snapshot.
        let reopenedIndex = try fixture.store.indexes.index(for: info)
        let loaded = try reopenedIndex.read(info, fixture.store.database) { ($0.mapped, $0.matrix.prefix?.codes) }
        #expect(loaded.0 && loaded.1 == saved.codes)
        let reopened = try fixture.store.query(info.id, embeddings: queries, nResults: 10)
        #expect(reopened.results.map(\.ids) == before.results.map(\.ids) && reopened.distances == before.distances)
        #expect(try prefixRows() == rows.count)
    }
}
