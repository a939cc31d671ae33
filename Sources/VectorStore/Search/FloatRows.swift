/// A matrix's float32 values, row after row: in memory, or in a `RowFile` written with `pwrite`
/// and read through a shared map, so a million rows open without being read and stay out of the
/// process's memory until searches touch them. A copy (a snapshot a background build reads) keeps
/// the map it was taken with.
struct FloatRows {
    private var memory: [Float] = []
    private let file: RowFile?
    private var mapping: FileMapping?
    private var fileCount = 0

    /// Values held.
    var count: Int { file == nil ? memory.count : fileCount }

    /// Rows in memory.
    init() { file = nil }

    /// Rows in `file`, of which the first `count` values are held.
    init(file: RowFile, count: Int) throws {
        self.file = file
        fileCount = count
        if count > 0 { try remap(atLeast: count * 4) }
    }

    var rowFile: RowFile? { file }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        guard file != nil else { return try memory.withUnsafeBufferPointer(body) }
        return try body(UnsafeBufferPointer(start: mapping?.base?.assumingMemoryBound(to: Float.self), count: count))
    }

    /// Calls `body` with the `count` values from `offset`. From a file they are read into
    /// `scratch` with `pread` rather than through the map: a search scores a few scattered rows
    /// exactly, and each page fault on the map would bring in the 16 pages around it, until the
    /// whole file counts in the process's resident set. (The map answers if the read fails.)
    func withValues<R>(
        at offset: Int, count: Int, scratch: UnsafeMutableBufferPointer<Float>, _ body: (UnsafePointer<Float>) -> R
    ) -> R {
        if let file {
            let bytes = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(scratch)[..<(count * 4)])
            if (try? file.read(into: bytes, at: offset * 4)) != nil { return body(scratch.baseAddress!) }
        }
        return withUnsafeBufferPointer { body($0.baseAddress! + offset) }
    }

    /// The values in `range`, read as `withValues` reads them.
    subscript(range: Range<Int>) -> [Float] {
        [Float](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            guard let start = buffer.baseAddress else { return }
            withValues(at: range.lowerBound, count: range.count, scratch: buffer) { values in
                if values != UnsafePointer(start) { start.update(from: values, count: range.count) }
            }
            initialized = range.count
        }
    }

    mutating func reserveCapacity(_ values: Int) {
        if file == nil { memory.reserveCapacity(values) }
    }

    mutating func append(contentsOf values: [Float]) throws {
        guard file != nil else { return memory.append(contentsOf: values) }
        try write(values, at: count)
        fileCount += values.count
        if mapping?.length ?? 0 < count * 4 { try remap(atLeast: count * 4) }
    }

    /// Overwrites values from `offset` on.
    mutating func replace(at offset: Int, with values: [Float]) throws {
        guard file != nil else { return memory.replaceSubrange(offset..<offset + values.count, with: values) }
        try write(values, at: offset)
    }

    /// Removes rows of `length` values (ascending row numbers), moving the rest down in order.
    mutating func remove(rows: [Int], length: Int) throws {
        guard !rows.isEmpty else { return }
        var kept: [Range<Int>] = []
        for (i, row) in rows.enumerated() {
            let end = i + 1 < rows.count ? rows[i + 1] : count / length
            if row + 1 < end { kept.append(row + 1..<end) }
        }
        var target = rows[0] * length
        for run in kept {
            try move(from: run.lowerBound * length, count: run.count * length, to: target)
            target += run.count * length
        }
        if file == nil { memory.removeLast(memory.count - target) } else { fileCount = target }
    }

    private mutating func move(from source: Int, count values: Int, to target: Int) throws {
        guard let file else {
            return memory.withUnsafeMutableBufferPointer { buffer in
                (buffer.baseAddress! + target).update(from: buffer.baseAddress! + source, count: values)
            }
        }
        // Through a bounce buffer rather than the map, so moved rows do not become resident; the
        // chunks go in ascending order, so a chunk is read before anything overwrites it.
        let chunk = 1 << 20
        var buffer = [Float](repeating: 0, count: min(chunk, values))
        var done = 0
        while done < values {
            let size = min(chunk, values - done)
            try buffer.withUnsafeMutableBytes { bytes in
                let part = UnsafeMutableRawBufferPointer(rebasing: bytes[0..<size * 4])
                try file.read(into: part, at: (source + done) * 4)
                try file.write(UnsafeRawBufferPointer(part), at: (target + done) * 4)
            }
            done += size
        }
    }

    private func write(_ values: [Float], at offset: Int) throws {
        guard let file else { return }
        let end = (offset + values.count) * 4
        if end > file.capacity { try file.reserve(max(end, file.capacity * 2, 1 << 20)) }
        try values.withUnsafeBytes { bytes in try file.write(bytes, at: offset * 4) }
    }

    /// Maps the file's whole capacity, so that appends rarely need a new map.
    private mutating func remap(atLeast bytes: Int) throws {
        guard let file else { return }
        try file.reserve(bytes)
        mapping = try FileMapping(descriptor: file.descriptor, length: file.capacity)
    }
}
