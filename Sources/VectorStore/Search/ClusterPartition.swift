import CScanKernels
import Foundation

/// A grouping of a collection's rows around centroids, each group with a radius that every
/// member lies within. A query can rule out a whole group from one dot product with its
/// centroid (triangle inequality / Cauchy–Schwarz), so a search visits the groups nearest to
/// it and skips the rest — still exact: a group is skipped only when no member can make the
/// top k. Rows appended after the grouping are kept aside and always scanned; a changed row
/// widens its group's radius; removed rows leave their groups. Past a quarter of the rows
/// changed this way, the grouping is rebuilt.
struct ClusterPartition {
    /// Collections smaller than this are scanned whole.
    static let minimumRows = 16_384
    /// `THOTH_SEARCH_GROUPING=0` scans every row (for comparison); default on.
    static let enabled = ProcessInfo.processInfo.environment["THOTH_SEARCH_GROUPING"] != "0"

    let dimension: Int
    /// Row-major, one centroid per group.
    let centroids: [Float]
    let centroidNorms: [Float]
    /// ≥ ‖x − centroid‖ for every member x (rounded up).
    private(set) var radii: [Float]
    /// Counts which searches the groups served and which gave up on them (see `GroupingVerdict`).
    let verdict = GroupingVerdict()
    /// Members of group g: `members[offsets[g]..<offsets[g + 1]]`, ascending rows.
    private(set) var offsets: [Int]
    private(set) var members: [Int32]
    /// The group of each row, −1 for rows added since the grouping was made (`extras`).
    private(set) var groupOf: [Int32]
    private(set) var extras: [Int32] = []
    /// Rows changed or removed since the grouping was made.
    private(set) var changes = 0

    var groups: Int { radii.count }
    /// Every row, group by group, then the rows added since: the order of the int8 codes'
    /// slots while the collection searches through this grouping (`QuantizedRows.ordered(by:)`).
    var order: [Int32] { members + extras }

    func size(of group: Int) -> Int { offsets[group + 1] - offsets[group] }
    func members(of group: Int) -> ArraySlice<Int32> { members[offsets[group]..<offsets[group + 1]] }
    /// Where the group's codes are in the codes' slots (which follow `order`).
    func slots(of group: Int) -> Range<Int> { offsets[group]..<offsets[group + 1] }

    /// Whether the grouping has fallen too far behind the collection to be worth using.
    func isStale(rowCount: Int) -> Bool { extras.count + changes > rowCount / 4 }

    mutating func appended(row: Int) {
        extras.append(Int32(row))
        groupOf.append(-1)
    }

    /// `row` now holds `vector` (prepared): its group's radius grows to cover it.
    mutating func replaced(row: Int, with vector: [Float]) {
        changes += 1
        let group = Int(groupOf[row])
        guard group >= 0 else { return }
        let squared = vector.withUnsafeBufferPointer { v in
            centroids.withUnsafeBufferPointer {
                scan_l2(v.baseAddress!, $0.baseAddress! + group * dimension, dimension)
            }
        }
        radii[group] = max(radii[group], Self.radius(Float(Double(squared).squareRoot()), dimension: dimension))
    }

    /// `rows` (ascending) are gone and the rows after them moved down, as the matrix compacts.
    mutating func removed(rows: [Int]) {
        guard !rows.isEmpty else { return }
        changes += rows.count
        var gone = [Bool](repeating: false, count: groupOf.count)
        for row in rows { gone[row] = true }
        // New row number of each surviving row: its old one minus the removed rows before it.
        var shift = [Int32](repeating: 0, count: groupOf.count)
        var removedBefore: Int32 = 0
        for row in 0..<groupOf.count {
            shift[row] = removedBefore
            if gone[row] { removedBefore += 1 }
        }
        var newMembers: [Int32] = []
        newMembers.reserveCapacity(members.count)
        var newOffsets = [0]
        for group in 0..<groups {
            for row in members[offsets[group]..<offsets[group + 1]] where !gone[Int(row)] {
                newMembers.append(row - shift[Int(row)])
            }
            newOffsets.append(newMembers.count)
        }
        members = newMembers
        offsets = newOffsets
        extras = extras.filter { !gone[Int($0)] }.map { $0 - shift[Int($0)] }
        groupOf = groupOf.indices.filter { !gone[$0] }.map { groupOf[$0] }
    }

    /// A radius from a distance computed in float32: rounded up past the kernels' own rounding.
    private static func radius(_ distance: Float, dimension: Int) -> Float {
        (distance * (1 + Float(dimension + 32) * .ulpOfOne)).nextUp
    }

    /// About how many groups `rows` rows are grouped in.
    static func groups(forRows rows: Int) -> Int { min(1024, max(8, rows / 128)) }

    /// Groups the rows of `matrix` in two levels of k-means — about √n coarse groups, each
    /// split in proportion to its size — so that assigning every row costs two small sets of
    /// centroids rather than one large one. `groups` defaults to `groups(forRows:)` of the
    /// matrix (a trial on a sample asks for as many as the whole collection would get). Deterministic.
    init(_ matrix: CollectionMatrix, groups target: Int? = nil) {
        let dimension = matrix.dimension, count = matrix.count
        let target = target ?? Self.groups(forRows: count)
        let coarseCount = max(1, Int(Double(target).squareRoot()))
        var centroids: [Float] = []
        var assignment = [Int](repeating: 0, count: count)
        var radii: [Float] = []
        // From the int8 codes, which are in memory, rather than the float rows, which at ten
        // million are 15 GB of file that k-means would read over and over, in scattered order.
        let quantized = matrix.quantized
        quantized.codes.withUnsafeBufferPointer { codes in
            quantized.rows.withUnsafeBufferPointer { infos in
                let vectors: KMeans.Rows = { row, values in
                    let slot = quantized.slot(of: row)
                    let code = codes.baseAddress! + slot * quantized.stride, scale = infos[slot].scale
                    for d in 0..<dimension { values[d] = scale * Float(code[d]) }
                }
                let coarse = KMeans.cluster(
                    vectors, dimension: dimension, rows: (0..<count).map(Int32.init), k: coarseCount)
                var byCoarse = [[Int32]](repeating: [], count: coarseCount)
                for (row, group) in coarse.assignment.enumerated() { byCoarse[group].append(Int32(row)) }
                for rows in byCoarse where !rows.isEmpty {
                    let k = min(rows.count, max(1, target * rows.count / count))
                    let fine = KMeans.cluster(vectors, dimension: dimension, rows: rows, k: k)
                    let first = centroids.count / dimension
                    for (index, row) in rows.enumerated() { assignment[Int(row)] = first + fine.assignment[index] }
                    centroids += fine.centroids
                }
                Self.reassignStrays(vectors, dimension: dimension, centroids: centroids, assignment: &assignment)
                radii = Self.radii(
                    vectors, { infos[quantized.slot(of: $0)] }, dimension: dimension, centroids: centroids,
                    assignment: assignment)
            }
        }
        let groups = centroids.count / dimension
        var sizes = [Int](repeating: 0, count: groups)
        for group in assignment { sizes[group] += 1 }
        var offsets = [0]
        for size in sizes { offsets.append(offsets.last! + size) }
        var members = [Int32](repeating: 0, count: count)
        var next = offsets
        for (row, group) in assignment.enumerated() {
            members[next[group]] = Int32(row)
            next[group] += 1
        }
        self.init(
            dimension: dimension, centroids: centroids, radii: radii, offsets: offsets, members: members,
            groupOf: assignment.map { Int32($0) })
    }

    /// For each group, a radius its members' float rows lie within, from their codes: a row x is
    /// within ‖x − scale · code‖ (its code's error, rounded up) of its decoded code y, so
    /// ‖x − c‖ ≤ ‖y − c‖ + error, plus y's own float32 rounding (≤ 2⁻²⁴ ‖y‖ ≤ 2⁻²⁴ (‖x‖ + error)).
    private static func radii(
        _ vectors: KMeans.Rows, _ info: (Int) -> Int8Code, dimension: Int, centroids: [Float], assignment: [Int]
    ) -> [Float] {
        var radii = [Float](repeating: 0, count: centroids.count / dimension)
        var decoded = [Float](repeating: 0, count: dimension)
        decoded.withUnsafeMutableBufferPointer { y in
            centroids.withUnsafeBufferPointer { c in
                for (row, group) in assignment.enumerated() {
                    vectors(row, y.baseAddress!)
                    let squared = scan_l2(y.baseAddress!, c.baseAddress! + group * dimension, dimension)
                    let info = info(row)
                    let reach =
                        Float(Double(squared).squareRoot()) + info.error
                        + (info.norm + info.error) * .ulpOfOne
                    radii[group] = max(radii[group], Self.radius(reach, dimension: dimension))
                }
            }
        }
        return radii
    }

    /// Rows the two levels left far from their group — a row whose coarse group was not its
    /// neighbours' joins the nearest of the wrong fine groups, and that group's radius then spans
    /// two clusters and prunes nothing — go to their nearest centroid among all groups. A stray is
    /// a row farther than twice its group's mean squared distance; at most a twentieth of the rows,
    /// the farthest, are looked at again (on real embeddings many rows are far from any centroid).
    private static func reassignStrays(
        _ vectors: KMeans.Rows, dimension: Int, centroids: [Float], assignment: inout [Int]
    ) {
        let groups = centroids.count / dimension
        guard groups > 1 else { return }
        var squared = [Float](repeating: 0, count: assignment.count)
        var sums = [Double](repeating: 0, count: groups)
        var sizes = [Int](repeating: 0, count: groups)
        var values = [Float](repeating: 0, count: dimension)
        values.withUnsafeMutableBufferPointer { x in
            centroids.withUnsafeBufferPointer { c in
                for (row, group) in assignment.enumerated() {
                    vectors(row, x.baseAddress!)
                    squared[row] = scan_l2(x.baseAddress!, c.baseAddress! + group * dimension, dimension)
                    sums[group] += Double(squared[row])
                    sizes[group] += 1
                }
            }
        }
        let ratios = assignment.indices.map { row in
            let group = assignment[row]
            return sums[group] > 0 ? Double(squared[row]) * Double(sizes[group]) / sums[group] : 0
        }
        let strays = ratios.indices.filter { ratios[$0] > 2 }.sorted { ratios[$0] > ratios[$1] }
            .prefix(assignment.count / 20)
        guard !strays.isEmpty else { return }
        let nearest = KMeans.nearest(
            vectors, dimension: dimension, rows: strays.map(Int32.init), centroids: centroids, k: groups)
        for (row, group) in zip(strays, nearest) { assignment[row] = group }
    }

    /// A grouping from its parts (made or stored), consistent with each other.
    init(
        dimension: Int, centroids: [Float], radii: [Float], offsets: [Int], members: [Int32], groupOf: [Int32],
        extras: [Int32] = [], changes: Int = 0
    ) {
        self.dimension = dimension
        self.centroids = centroids
        self.centroidNorms = (0..<radii.count).map { group in
            centroids.withUnsafeBufferPointer {
                let centroid = $0.baseAddress! + group * dimension
                return Float(Double(scan_dot(centroid, centroid, dimension)).squareRoot()).nextUp
            }
        }
        self.radii = radii
        self.offsets = offsets
        self.members = members
        self.groupOf = groupOf
        self.extras = extras
        self.changes = changes
    }

    /// For each group, a distance that no member's float32 distance to `query` falls below.
    func lowerBounds(_ query: [Float], queryNorm: Float, space: DistanceSpace) -> [Float] {
        let slack = 2 * Float(dimension + 32) * .ulpOfOne
        return query.withUnsafeBufferPointer { q in
            centroids.withUnsafeBufferPointer { c in
                (0..<groups).map { group in
                    let centroid = c.baseAddress! + group * dimension
                    let reach = centroidNorms[group] + radii[group]
                    switch space {
                    case .l2:
                        // ‖q − x‖ ≥ ‖q − c‖ − r
                        let toCentroid = Float(Double(scan_l2(q.baseAddress!, centroid, dimension)).squareRoot())
                        let gap = max(0, toCentroid * (1 - slack) - radii[group])
                        let size = queryNorm + reach
                        return gap * gap - slack * size * size
                    case .ip, .cosine:
                        // q·x = q·c + q·(x − c) ≤ q·c + ‖q‖·r
                        let dot = scan_dot(q.baseAddress!, centroid, dimension)
                        return 1 - dot - queryNorm * radii[group] - slack * (1 + queryNorm * reach)
                    }
                }
            }
        }
    }
}
