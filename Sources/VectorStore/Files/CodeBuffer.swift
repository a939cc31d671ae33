import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of a collection's int8 codes: a growable buffer in a map of its own, which may
/// begin as a private map of a snapshot's codes. Opening a collection then reads none of them
/// (at ten million rows, 3.8 GB): searches fault in the pages they touch, and a change copies
/// only the page it writes to. A value type that copies on write, like the array it replaces —
/// except that appends need no copy: a background build holding the codes must not cost the
/// writer a copy of all of them on its next batch.
struct CodeBuffer: Equatable, Sendable {
    private var storage: Storage
    private(set) var count = 0

    /// An empty buffer.
    init() { storage = Storage(capacity: 0) }

    /// The `count` bytes at `offset` (a multiple of the page size) of the file `descriptor`,
    /// mapped privately: the file never changes (snapshots are replaced by a rename), and what
    /// the buffer changes stays in the process.
    init(mapping descriptor: Int32, offset: Int, count: Int) throws {
        storage = try Storage(mapping: descriptor, offset: offset, count: count)
        self.count = count
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Int8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base.assumingMemoryBound(to: Int8.self), count: count))
    }

    mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Int8>) throws -> R) rethrows
        -> R
    {
        makeUnique(capacity: count)
        return try body(
            UnsafeMutableBufferPointer(start: storage.base.assumingMemoryBound(to: Int8.self), count: count))
    }

    mutating func reserveCapacity(_ bytes: Int) {
        makeUnique(capacity: bytes)
    }

    /// Appends `bytes` zero bytes. In place when this buffer wrote furthest into its storage,
    /// even when others share it: they read only below their own counts.
    mutating func append(zeros bytes: Int) {
        let end = count + bytes
        let inPlace =
            end <= storage.capacity
            && storage.used.compareExchange(expected: count, desired: end, ordering: .relaxed).exchanged
        if !inPlace {
            makeUnique(capacity: end)
            storage.used.store(end, ordering: .relaxed)
        }
        (storage.base + count).initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        count = end
    }

    /// Whether `other` reads the same memory (tests).
    func sharesStorage(with other: CodeBuffer) -> Bool { storage === other.storage }

    mutating func removeLast(_ bytes: Int) {
        precondition(bytes <= count)
        count -= bytes
    }

    static func == (a: CodeBuffer, b: CodeBuffer) -> Bool {
        a.count == b.count && memcmp(a.storage.base, b.storage.base, a.count) == 0
    }

    /// Owns the storage alone, with room for `capacity` bytes: copied into a larger map when it
    /// is shared or too small (growing at least twofold, so appends stay amortised).
    private mutating func makeUnique(capacity: Int) {
        let small = capacity > storage.capacity
        guard small || !isKnownUniquelyReferenced(&storage) else { return }
        let copy = Storage(capacity: small ? max(capacity, 2 * storage.capacity) : storage.capacity)
        copy.base.copyMemory(from: storage.base, byteCount: count)
        copy.used.store(count, ordering: .relaxed)
        storage = copy
    }

    /// A private map: anonymous pages, the first of them possibly a file's. Its memory is changed
    /// only through a buffer that holds it alone (`makeUnique`), and appended to only by the one
    /// that wrote furthest (`used`).
    private final class Storage: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        /// Bytes written from the start by the buffer that wrote furthest.
        let used = Atomic(0)
        private let length: Int

        /// Anonymous pages for `capacity` bytes, reserved but not touched (so not resident).
        /// Like an array's allocation, it traps when there is no address space left.
        init(capacity: Int) {
            length = Self.pages(max(capacity, 1))
            self.capacity = length
            guard let base = Self.map(length, nil, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) else {
                fatalError("Cannot reserve \(length) bytes for int8 codes")
            }
            self.base = base
        }

        /// `count` bytes of the file, with anonymous room for as many again behind them.
        convenience init(mapping descriptor: Int32, offset: Int, count: Int) throws {
            self.init(capacity: max(2 * count, 1 << 16))
            used.store(count, ordering: .relaxed)
            guard count == 0 || Self.map(Self.pages(count), base, MAP_PRIVATE | MAP_FIXED, descriptor, offset) != nil
            else {
                throw VectorStoreError.system("Cannot map \(count) bytes of int8 codes")
            }
        }

        deinit { munmap(base, length) }

        private static func pages(_ bytes: Int) -> Int {
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            return (bytes + page - 1) / page * page
        }

        private static func map(
            _ length: Int, _ address: UnsafeMutableRawPointer?, _ flags: Int32, _ descriptor: Int32, _ offset: Int
        ) -> UnsafeMutableRawPointer? {
            let address = mmap(address, length, PROT_READ | PROT_WRITE, flags, descriptor, off_t(offset))
            return address == MAP_FAILED ? nil : address
        }
    }
}
