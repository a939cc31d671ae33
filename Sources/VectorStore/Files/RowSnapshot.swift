import CScanKernels
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a collection's index holds besides its float rows — seqs, int8 codes with their infos,
/// ids — as of one SQLite revision of the collection (its `stamp`), kept in `<id>.rows`. Opening a
/// collection whose snapshot carries the stamp SQLite holds reads this and maps the rows file
/// instead of reading every record. Every write transaction gives the collection a new random
/// stamp before the index or the rows file change, so a snapshot never vouches for rows a crash
/// left half-written: it is simply not used, and the index is rebuilt from SQLite. The rows'
/// grouping, when there is one, is kept with them, and so is a trial's verdict that grouping
/// would not pay, so a reopened collection neither builds nor tries it again. The codes start at
/// `codesOffset`, a multiple of any page size, and are mapped rather than read; they and their
/// infos are in the grouping's order (`ClusterPartition.order`) when there is one, else in row order.
/// Prefix codes, when built, follow at the end (their codes again mapped from a page boundary), so
/// a reopened collection answers at full speed at once instead of after rebuilding them.
struct RowSnapshot {
    var stamp: Int64
    var dimension: Int
    var seqs: [Int64]
    /// By slot, as the codes.
    var infos: [Int8Code]
    var codes: CodeBuffer
    var ids: [String]
    var groups: ClusterPartition.Stored? = nil
    /// The row count at which grouping was found not to pay (`Loaded.groupingDeclined`).
    var declined: Int? = nil
    /// The first rows on their principal axes (row order: only without groups).
    var prefix: PrefixCodes? = nil

    private static let magic: Int64 = 0x5448_4f54_4852_4f57  // "THOTHROW"
    private static let version: Int64 = 5
    /// Version 4 is version 5 without prefix codes (its last three header fields are zero).
    private static let versions: ClosedRange<Int64> = 4...5
    private static let headerFields = 14
    private static let codesOffset = 1 << 16

    /// Writes the snapshot to `path` atomically (a durable temporary file renamed over it).
    func write(to path: String) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw VectorStoreError.system("Cannot create \(temporary)") }
        defer { close(descriptor) }
        var idBytes: [UInt8] = []
        var idEnds: [Int64] = []
        idEnds.reserveCapacity(ids.count)
        for id in ids {
            idBytes.append(contentsOf: id.utf8)
            idEnds.append(Int64(idBytes.count))
        }
        let header: [Int64] = [
            Self.magic, Self.version, stamp, Int64(dimension), Int64(seqs.count),
            Int64(Int8Code.stride(dimension)), Int64(idBytes.count), Int64(groups?.radii.count ?? -1),
            Int64(groups?.extras.count ?? 0), groups?.changes ?? 0, Int64(declined ?? -1),
            Int64(prefix?.count ?? 0), Int64(prefix?.width ?? 0),
            Int64(bitPattern: prefix?.rotationError.bitPattern ?? 0),
        ]
        do {
            try header.withUnsafeBytes { try Self.write($0, descriptor) }
            try Self.seek(Self.codesOffset, descriptor)
            try codes.withUnsafeBufferPointer { try Self.write(UnsafeRawBufferPointer($0), descriptor) }
            try seqs.withUnsafeBytes { try Self.write($0, descriptor) }
            try infos.withUnsafeBytes { try Self.write($0, descriptor) }
            try idEnds.withUnsafeBytes { try Self.write($0, descriptor) }
            try idBytes.withUnsafeBytes { try Self.write($0, descriptor) }
            if let groups {
                try groups.centroids.withUnsafeBytes { try Self.write($0, descriptor) }
                try groups.radii.withUnsafeBytes { try Self.write($0, descriptor) }
                try groups.offsets.withUnsafeBytes { try Self.write($0, descriptor) }
                try groups.members.withUnsafeBytes { try Self.write($0, descriptor) }
                try groups.extras.withUnsafeBytes { try Self.write($0, descriptor) }
            }
            if let prefix {
                try prefix.axes.withUnsafeBytes { try Self.write($0, descriptor) }
                try prefix.rows.withUnsafeBytes { try Self.write($0, descriptor) }
                try Self.seek(Self.aligned(Int(lseek(descriptor, 0, SEEK_CUR))), descriptor)
                try prefix.codes.withUnsafeBufferPointer { try Self.write(UnsafeRawBufferPointer($0), descriptor) }
            }
            // Without codes the file would end at the header, before the offset they start at.
            guard ftruncate(descriptor, lseek(descriptor, 0, SEEK_CUR)) == 0 else {
                throw VectorStoreError.system("Cannot write \(temporary)")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        guard fsync(descriptor) == 0, rename(temporary, path) == 0 else {
            let error = VectorStoreError.system("Cannot write \(path)")
            unlink(temporary)
            throw error
        }
    }

    /// The snapshot at `path` when it holds `stamp`'s rows of `dimension`; nil when there is none,
    /// or it is of another revision, or it is not whole.
    static func read(from path: String, stamp: Int64, dimension: Int) throws -> RowSnapshot? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw VectorStoreError.system("Cannot open \(path)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw VectorStoreError.system("Cannot read \(path)") }
        let header: [Int64] = try array(headerFields, descriptor)
        let count = Int(clamping: header[4]), stride = Int(clamping: header[5]), idBytes = Int(clamping: header[6])
        let groupCount = Int(clamping: header[7]), extras = Int(clamping: header[8])
        let prefixRows = Int(clamping: header[11]), prefixWidth = Int(clamping: header[12])
        guard header[0] == magic, versions.contains(header[1]), header[2] == stamp, header[3] == Int64(dimension),
            count >= 0, stride == Int8Code.stride(dimension), idBytes >= 0, groupCount >= -1,
            (0...(groupCount < 0 ? 0 : count)).contains(extras), header[9] >= 0, header[10] >= -1,
            (0...(groupCount < 0 ? count : 0)).contains(prefixRows), (0...dimension / 2).contains(prefixWidth),
            (prefixRows == 0) == (prefixWidth == 0)
        else { return nil }
        let (rowBytes, overflow) = count.multipliedReportingOverflow(
            by: 8 + MemoryLayout<Int8Code>.stride + stride + 8 + (groupCount < 0 ? 0 : 4))
        let (groupBytes, groupOverflow) = max(groupCount, 0).multipliedReportingOverflow(by: (dimension + 1) * 4 + 8)
        var size = codesOffset + (groupCount < 0 ? 0 : 8), sumOverflow = false
        for part in [idBytes, rowBytes, groupBytes] where !sumOverflow {
            (size, sumOverflow) = size.addingReportingOverflow(part)
        }
        // Prefix codes: axes and infos, then their codes from a page boundary.
        let prefixCodes = PrefixCodes.codeBytes(rows: prefixRows, width: prefixWidth)
        var prefixAt = 0
        if prefixRows > 0, !sumOverflow {
            size += prefixWidth * dimension * 4 + prefixRows * MemoryLayout<scan_prefix_info>.stride
            prefixAt = aligned(size)
            size = prefixAt + prefixCodes
        }
        guard !overflow, !groupOverflow, !sumOverflow, Int(status.st_size) == size else { return nil }
        let codes = try CodeBuffer(mapping: descriptor, offset: codesOffset, count: count * stride)
        try seek(codesOffset + count * stride, descriptor)
        let seqs: [Int64] = try array(count, descriptor)
        let infos: [Int8Code] = try array(count, descriptor)
        let idEnds: [Int64] = try array(count, descriptor)
        let bytes: [UInt8] = try array(idBytes, descriptor)
        var ids: [String] = []
        ids.reserveCapacity(count)
        var start = 0
        for (row, end) in idEnds.enumerated() {
            guard start <= end, end <= idBytes, row == 0 || seqs[row - 1] < seqs[row] else { return nil }
            ids.append(bytes.withUnsafeBufferPointer { String(decoding: $0[start..<Int(end)], as: UTF8.self) })
            start = Int(end)
        }
        var groups: ClusterPartition.Stored?
        if groupCount >= 0 {
            groups = ClusterPartition.Stored(
                centroids: try array(groupCount * dimension, descriptor), radii: try array(groupCount, descriptor),
                offsets: try array(groupCount + 1, descriptor), members: try array(count - extras, descriptor),
                extras: try array(extras, descriptor), changes: header[9])
        }
        var prefix: PrefixCodes?
        if prefixRows > 0 {
            let axes: [Float] = try array(prefixWidth * dimension, descriptor)
            let rows: [scan_prefix_info] = try array(prefixRows, descriptor)
            guard
                let stored = PrefixCodes(
                    dimension: dimension, width: prefixWidth, axes: axes,
                    rotationError: Double(bitPattern: UInt64(bitPattern: header[13])),
                    codes: try CodeBuffer(mapping: descriptor, offset: prefixAt, count: prefixCodes), rows: rows)
            else { return nil }
            prefix = stored
        }
        return RowSnapshot(
            stamp: stamp, dimension: dimension, seqs: seqs, infos: infos, codes: codes, ids: ids, groups: groups,
            declined: header[10] < 0 ? nil : Int(header[10]), prefix: prefix)
    }

    /// `offset` rounded up to where codes may be mapped from (a multiple of any page size).
    private static func aligned(_ offset: Int) -> Int { (offset + codesOffset - 1) / codesOffset * codesOffset }

    private static func array<T>(_ count: Int, _ descriptor: Int32) throws -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            try SystemIO.whole(bytes.count, "Cannot read the rows snapshot") { done in
                Glibc.read(descriptor, bytes.baseAddress! + done, bytes.count - done)
            }
            initialized = count
        }
    }

    private static func seek(_ offset: Int, _ descriptor: Int32) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw VectorStoreError.system("Cannot seek in the rows snapshot")
        }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, _ descriptor: Int32) throws {
        try SystemIO.whole(bytes.count, "Cannot write the rows snapshot") { done in
            Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
        }
    }
}
