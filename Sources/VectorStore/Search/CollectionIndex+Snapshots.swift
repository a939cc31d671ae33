import Foundation

/// Snapshots of a collection's index on disk (`RowSnapshot`), written once writes pause and on
/// close, so the next open maps the rows file instead of reading SQLite. Writes pausing also
/// start the rows' grouping, if they want one, and then the snapshot waits for it.
extension CollectionIndex {
    /// Writes the snapshot (or groups the rows first) once writes have paused for `quietDelay`.
    func scheduleSnapshot() {
        let start = quiet.withLock { state in
            state.lastWrite = .now
            defer { state.scheduled = true }
            return !state.scheduled
        }
        if start { snapshotWhenQuiet(after: quietDelay) }
    }

    private func snapshotWhenQuiet(after delay: Duration) {
        let (seconds, attoseconds) = delay.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
            [weak self] in
            guard let self else { return }
            let wait = self.quiet.withLock { state -> Duration? in
                let since = ContinuousClock.now - state.lastWrite
                if since < self.quietDelay { return self.quietDelay - since }
                state.scheduled = false
                return nil
            }
            if let wait { return self.snapshotWhenQuiet(after: wait) }
            if self.groupWhenIdle() { return }
            try? self.saveSnapshot()
        }
    }

    /// Writes the snapshot of the loaded index, unless it is already on disk: the rows file is
    /// made durable first, so a snapshot never names rows that a power loss could take back.
    /// (Lock order: the index's lock before `saved`, never the other way.)
    func saveSnapshot() throws {
        let captured = lock.withReadLock { () -> (RowSnapshot, UInt64, RowFile)? in
            guard let loaded, loaded.stamp != 0,
                saved.withLock({ ($0.stamp, $0.groupings) }) != (loaded.stamp, loaded.groupings),
                let file = loaded.matrix.vectors.rowFile, file.persistent
            else { return nil }
            let matrix = loaded.matrix
            let snapshot = RowSnapshot(
                stamp: loaded.stamp, dimension: matrix.dimension, seqs: matrix.seqs, infos: matrix.quantized.rows,
                codes: matrix.quantized.codes, ids: loaded.ids, groups: loaded.partition?.stored,
                declined: loaded.groupingDeclined, prefix: matrix.prefix)
            return (snapshot, loaded.groupings, file)
        }
        guard let (snapshot, groupings, file) = captured else { return }
        try saved.withLock { saved in
            guard !saved.retired, (saved.stamp, saved.groupings) != (snapshot.stamp, groupings) else { return }
            try file.sync()
            try snapshot.write(to: files.snapshotPath(id))
            saved.stamp = snapshot.stamp
            saved.groupings = groupings
        }
    }

    /// The collection was deleted: no snapshot is written from now on, and its files go.
    func retire() {
        saved.withLock { $0.retired = true }
        files.remove(id)
    }
}
