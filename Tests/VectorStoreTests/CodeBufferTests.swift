import Foundation
import Testing

@testable import VectorStore

/// The int8 codes' buffer maps a snapshot's codes privately: it reads as the file, changes and
/// appends stay in the process (the file is what a crash falls back to), and copies do not see
/// each other's changes — though appends share the memory with the copies they leave behind.
@Suite struct CodeBufferTests {
    /// A file of `page` bytes of padding and then `bytes`, open for reading.
    func file(_ bytes: [Int8], page: Int = 1 << 16) throws -> (Int32, String) {
        let path = NSTemporaryDirectory() + "codes-\(UUID().uuidString)"
        var contents = Data(count: page)
        contents.append(contentsOf: bytes.map { UInt8(bitPattern: $0) })
        try contents.write(to: URL(fileURLWithPath: path))
        return (open(path, O_RDONLY), path)
    }

    func contents(_ buffer: CodeBuffer) -> [Int8] { buffer.withUnsafeBufferPointer { Array($0) } }

    @Test func aMappedBufferReadsTheFileAndKeepsItsChangesToItself() throws {
        let bytes = (0..<300_000).map { Int8(truncatingIfNeeded: $0 &* 31) }
        let (descriptor, path) = try file(bytes)
        defer {
            close(descriptor)
            unlink(path)
        }
        var buffer = try CodeBuffer(mapping: descriptor, offset: 1 << 16, count: bytes.count)
        #expect(contents(buffer) == bytes)

        let copy = buffer
        buffer.withUnsafeMutableBufferPointer { $0[5] = 99 }
        buffer.removeLast(1000)
        buffer.append(zeros: 700_000)  // past the room reserved behind the file's bytes
        var expected = bytes
        expected[5] = 99
        expected.removeLast(1000)
        expected += [Int8](repeating: 0, count: 700_000)
        #expect(contents(buffer) == expected)
        #expect(contents(copy) == bytes)
        #expect(buffer != copy)

        let onDisk = try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(1 << 16)
        #expect(onDisk.map { Int8(bitPattern: $0) } == bytes)
    }

    @Test func anOffsetOffAPageIsRefused() throws {
        let (descriptor, path) = try file([1, 2, 3], page: 100)
        defer {
            close(descriptor)
            unlink(path)
        }
        #expect(throws: VectorStoreError.self) { try CodeBuffer(mapping: descriptor, offset: 100, count: 3) }
    }

    @Test func appendsGrowAnEmptyBufferAndCopiesStayApart() {
        var buffer = CodeBuffer()
        buffer.append(zeros: 3)
        buffer.withUnsafeMutableBufferPointer { $0[1] = 7 }
        let copy = buffer
        for _ in 0..<50_000 { buffer.append(zeros: 3) }
        buffer.withUnsafeMutableBufferPointer { $0[1] = 8 }
        #expect(buffer.count == 150_003)
        #expect(contents(copy) == [0, 7, 0])
        #expect(contents(buffer).prefix(3) == [0, 8, 0])
        #expect(contents(buffer).dropFirst(3).allSatisfy { $0 == 0 })
    }

    @Test func appendsBesideACopyNeedNoCopyOfTheirOwn() {
        var writer = CodeBuffer()
        writer.append(zeros: 4)
        writer.withUnsafeMutableBufferPointer { $0[0] = 1 }
        var reader = writer  // a background build's snapshot
        writer.append(zeros: 1000)
        writer.withUnsafeMutableBufferPointer { _ in }
        #expect(writer.sharesStorage(with: reader) == false)  // changing written bytes copies...
        reader = writer
        writer.append(zeros: 1000)
        #expect(writer.sharesStorage(with: reader))  // ...appending does not
        #expect(reader.count == 1004 && writer.count == 2004)

        // The copy left behind is no longer at the end: its own append copies.
        reader.append(zeros: 1)
        #expect(!reader.sharesStorage(with: writer))
        #expect(contents(reader) == [1] + [Int8](repeating: 0, count: 1004))

        // Shrunk, then grown: alone in its storage it appends in place again.
        let before = writer
        writer.removeLast(500)
        writer.append(zeros: 10)
        #expect(!writer.sharesStorage(with: before) && writer.count == 1514)
        #expect(contents(before).count == 2004)
    }
}
