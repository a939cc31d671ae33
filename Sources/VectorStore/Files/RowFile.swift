import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The file holding a collection's float32 rows, in row order with no header: written with
/// `pwrite` after each commit and read through a shared map (`FileMapping`), so that opening a
/// collection maps it instead of reading every vector from SQLite, and only the rows searches
/// touch become resident. The file is extended sparsely ahead of the rows and never shrinks
/// while open, so a map taken earlier stays readable.
final class RowFile: @unchecked Sendable {
    let descriptor: Int32
    /// Whether this is the collection's own file (`false`: a private one nobody will reopen).
    let persistent: Bool
    /// Bytes the file is extended to; rows are written only below it.
    private(set) var capacity: Int

    private init(descriptor: Int32, persistent: Bool) {
        self.descriptor = descriptor
        self.persistent = persistent
        var status = stat()
        capacity = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
    }

    deinit { close(descriptor) }

    /// The file at `path`, created empty when `fresh` (by a rename, so that a map of a file that
    /// was there stays valid); nil when there is none to open.
    static func open(path: String, fresh: Bool) throws -> RowFile? {
        let target = fresh ? path + ".tmp" : path
        let descriptor = Glibc.open(target, O_RDWR | O_CLOEXEC | (fresh ? O_CREAT | O_TRUNC : 0), 0o644)
        guard descriptor >= 0 else {
            if !fresh, errno == ENOENT { return nil }
            throw VectorStoreError.system("Cannot open \(target)")
        }
        if fresh, rename(target, path) != 0 {
            let error = VectorStoreError.system("Cannot create \(path)")
            close(descriptor)
            throw error
        }
        return RowFile(descriptor: descriptor, persistent: true)
    }

    /// A private file in `directory`, unlinked at once: rows that no one will reopen, such as
    /// those of a process that does not own the store's row files (`RowDirectory`).
    static func unnamed(in directory: String) throws -> RowFile {
        var template = Array((directory as NSString).appendingPathComponent("private-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw VectorStoreError.system("Cannot create a rows file")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return RowFile(descriptor: descriptor, persistent: false)
    }

    /// Extends the file (sparsely) to at least `bytes`.
    func reserve(_ bytes: Int) throws {
        guard bytes > capacity else { return }
        guard ftruncate(descriptor, off_t(bytes)) == 0 else {
            throw VectorStoreError.system("Cannot extend the rows file to \(bytes) bytes")
        }
        capacity = bytes
    }

    /// Writes `bytes` at `offset`, all of them or throws.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try SystemIO.whole(bytes.count, "Cannot write the rows file") { done in
            pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        }
    }

    /// Reads `bytes.count` bytes at `offset`, all of them or throws.
    func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        try SystemIO.whole(bytes.count, "Cannot read the rows file") { done in
            pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        }
    }

    /// Makes what was written durable (before a snapshot that vouches for it is).
    func sync() throws {
        guard fdatasync(descriptor) == 0 else {
            throw VectorStoreError.system("Cannot sync the rows file")
        }
    }
}

extension VectorStoreError {
    /// A failed system call, with what `errno` says.
    static func system(_ what: String) -> VectorStoreError {
        .storage("\(what): \(String(cString: strerror(errno)))")
    }
}

/// Reads and writes that go on until every byte went.
enum SystemIO {
    /// Calls `step` with the bytes done so far until `count` are, retrying an interrupted call; a
    /// failure or an early end of file throws `what`.
    static func whole(_ count: Int, _ what: String, _ step: (Int) -> Int) throws {
        var done = 0
        while done < count {
            let moved = step(done)
            if moved < 0, errno == EINTR { continue }
            guard moved > 0 else {
                throw moved < 0
                    ? VectorStoreError.system(what) : VectorStoreError.storage("\(what): the file ends early")
            }
            done += moved
        }
    }
}
