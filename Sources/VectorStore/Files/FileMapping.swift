#if canImport(Glibc)
    import Glibc
#endif

/// A read-only shared memory map of a file's first `length` bytes, unmapped when the last
/// reference goes: a snapshot of a matrix keeps the map it read from alive while the writer
/// moves on to a larger one.
final class FileMapping: @unchecked Sendable {
    let base: UnsafeRawPointer?
    let length: Int

    init(descriptor: Int32, length: Int) throws {
        self.length = length
        guard length > 0 else {
            base = nil
            return
        }
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0), address != MAP_FAILED else {
            throw VectorStoreError.system("Cannot map \(length) bytes of the rows file")
        }
        // Searches read scattered rows: a row not in the page cache should not read ahead 128 kB.
        madvise(address, length, MADV_RANDOM)
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), length) }
    }
}
