/// Whether grouping a collection would pay, tried on a sample before the full build: a sample
/// of the rows is grouped around as many centroids as the whole collection would be (trained
/// the same way: the build, too, trains on a sample), and other rows of the collection search
/// it, with k scaled down as the sample is smaller than the collection (the k-th neighbour among
/// n rows is about as near as the first among n / k). The groups' radii come from the sampled
/// members only, so the trial errs towards building; searches still give up on groups that do
/// not pay. Groups of real text embeddings prune little — their searches would give up on them
/// — and building them at a million rows costs seconds of both cores, while searches wait.
enum GroupingTrial {
    /// Rows in the sample.
    static let sampleRows = 8192
    /// Searches tried.
    static let searches = 32

    /// Whether most searches of the sample stay within `TwoPassSearch.groupedShare` of its rows.
    static func pays(_ matrix: CollectionMatrix, k: Int = 10) -> Bool {
        let count = matrix.count
        guard count > 2 * sampleRows else { return true }
        // One row from each of `sampleRows` blocks, at a pseudo-random place in it (evenly
        // spaced rows could alias with a pattern in the insertion order), and the queries from
        // other places in some of the blocks.
        let step = count / sampleRows
        func place(_ block: Int, _ salt: UInt64) -> Int {
            Int(((UInt64(block) &+ salt) &* 0x9E37_79B9_7F4A_7C15) >> 33) % step
        }
        var sample = CollectionMatrix(space: matrix.space, dimension: matrix.dimension)
        sample.reserve(sampleRows)
        for block in 0..<sampleRows {
            // In memory: appending cannot fail.
            try? sample.append(seq: Int64(block), prepared: matrix.vector(row: block * step + place(block, 0)))
        }
        let partition = ClusterPartition(sample, groups: ClusterPartition.groups(forRows: count))
        sample.orderCodes(by: partition)
        let scaled = max(1, (k * sampleRows + count / 2) / count)
        let queries = (0..<searches).map { index in
            let block = index * sampleRows / searches
            let offset = (place(block, 0) + 1 + place(block, 1) % (step - 1)) % step
            return TwoPassSearch.Query(matrix.vector(row: block * step + offset), k: scaled, in: sample)
        }
        let outcome = TwoPassSearch.searchGroups(sample, queries, partition, threads: 1)
        return outcome.hits.filter { $0 != nil }.count * 2 > searches
    }
}
