import CScanKernels

/// A grouping as the snapshot keeps it, so a reopened collection searches through its groups at
/// once instead of building them again (seconds of both cores at a million rows).
extension ClusterPartition {
    /// What a grouping is made of; the rest (centroid norms, each row's group) follows from it.
    struct Stored: Equatable {
        var centroids: [Float]
        var radii: [Float]
        /// Group g's members are `members[offsets[g]..<offsets[g + 1]]`.
        var offsets: [Int64]
        var members: [Int32]
        var extras: [Int32]
        var changes: Int64
    }

    var stored: Stored {
        Stored(
            centroids: centroids, radii: radii, offsets: offsets.map(Int64.init), members: members, extras: extras,
            changes: Int64(changes))
    }

    /// The grouping `stored` describes, over `rowCount` rows of `dimension`; nil unless every row
    /// is a member of exactly one group or an extra, in order within its group.
    init?(_ stored: Stored, dimension: Int, rowCount: Int) {
        let groups = stored.radii.count
        guard dimension > 0, stored.centroids.count == groups * dimension, stored.offsets.count == groups + 1,
            stored.offsets.first == 0, stored.offsets.last == Int64(stored.members.count),
            stored.members.count + stored.extras.count == rowCount, stored.changes >= 0,
            stored.radii.allSatisfy({ $0 >= 0 && $0.isFinite })
        else { return nil }
        var groupOf = [Int32](repeating: -2, count: rowCount)
        for group in 0..<groups {
            let start = stored.offsets[group], end = stored.offsets[group + 1]
            guard start <= end else { return nil }
            var previous: Int32 = -1
            for row in stored.members[Int(start)..<Int(end)] {
                guard row > previous, Int(row) < rowCount, groupOf[Int(row)] == -2 else { return nil }
                groupOf[Int(row)] = Int32(group)
                previous = row
            }
        }
        for row in stored.extras {
            guard row >= 0, Int(row) < rowCount, groupOf[Int(row)] == -2 else { return nil }
            groupOf[Int(row)] = -1
        }
        self.init(
            dimension: dimension, centroids: stored.centroids, radii: stored.radii,
            offsets: stored.offsets.map { Int($0) }, members: stored.members, groupOf: groupOf,
            extras: stored.extras, changes: Int(stored.changes))
    }

    /// What is wrong with the grouping as a grouping of `matrix`'s rows, if anything: a member
    /// outside its group's radius would have a search skip the group when it should not.
    func problem(in matrix: CollectionMatrix) -> String? {
        guard groupOf.count == matrix.count else { return "groups of \(groupOf.count) rows, not \(matrix.count)" }
        return matrix.vectors.withUnsafeBufferPointer { v in
            centroids.withUnsafeBufferPointer { c in
                for group in 0..<groups {
                    for row in members(of: group) {
                        let squared = scan_l2(
                            v.baseAddress! + Int(row) * dimension, c.baseAddress! + group * dimension, dimension)
                        if Float(Double(squared).squareRoot()) > radii[group] {
                            return "row \(row) lies outside its group's radius"
                        }
                    }
                }
                return nil
            }
        }
    }
}
