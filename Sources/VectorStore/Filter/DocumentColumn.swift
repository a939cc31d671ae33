import CScanKernels
import Foundation

/// Every record's document, row-aligned with the matrix, in one buffer of UTF-8 bytes. A
/// `$contains` over a collection whose documents fit in `budget` scans them on every core
/// instead of asking the trigram index: for a common substring the index's posting lists are
/// long, intersected and then checked document by document in SQLite, many times slower than
/// reading the text itself. Matching bytes is matching text here: both sides are valid UTF-8,
/// where a byte match can only start on a character.
struct DocumentColumn {
    /// Collections whose documents take more than this are left to the trigram index.
    static let budget = 256 << 20

    /// Where a row's document lies in `bytes`; length −1: the record has no document.
    struct Span {
        var start: Int
        var length: Int
    }

    private(set) var bytes: [UInt8] = []
    private(set) var spans: [Span] = []
    /// Bytes of documents since replaced or removed, compacted away once they are half.
    private var unused = 0

    var count: Int { spans.count }
    /// Whether the documents have outgrown `budget`.
    var isOverBudget: Bool { bytes.count - unused > Self.budget }

    mutating func append(_ document: String?) {
        guard let document else { return spans.append(Span(start: bytes.count, length: -1)) }
        spans.append(Span(start: bytes.count, length: document.utf8.count))
        bytes.append(contentsOf: document.utf8)
    }

    mutating func replace(row: Int, with document: String?) {
        unused += max(0, spans[row].length)
        spans[row] = Span(start: bytes.count, length: document == nil ? -1 : document!.utf8.count)
        if let document { bytes.append(contentsOf: document.utf8) }
        compactIfWasteful()
    }

    /// Removes `rows` (ascending), as the matrix does.
    mutating func remove(rows: [Int]) {
        for row in rows where row < spans.count { unused += max(0, spans[row].length) }
        spans.removeRows(rows)
        compactIfWasteful()
    }

    private mutating func compactIfWasteful() {
        guard unused > bytes.count / 2 else { return }
        var compact: [UInt8] = []
        compact.reserveCapacity(bytes.count - unused)
        for row in spans.indices where spans[row].length >= 0 {
            let start = compact.count
            compact.append(contentsOf: bytes[spans[row].start..<spans[row].start + spans[row].length])
            spans[row].start = start
        }
        bytes = compact
        unused = 0
    }

    /// The rows whose document contains `text` (every row with a document when it is empty),
    /// case-sensitive, as SQLite's `instr` finds them.
    func rows(containing text: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> RowSet {
        let needle = Array(text.utf8)
        // Parts of whole 64-row words, so that each writes its own words of the result.
        let words = (spans.count + 63) / 64
        let parts = max(1, min(threads, words / 256))
        let job = ScanJob(column: self, needle: needle)
        let count = spans.count
        let found = TwoPassSearch.perQuery(parts, threads: parts) { part in
            job.scan(words * part / parts * 64..<min(count, words * (part + 1) / parts * 64))
        }
        var result = found[0]
        for part in found.dropFirst() { result.formUnion(part) }
        return result
    }

    /// One part of a scan; the column is read-only meanwhile.
    private struct ScanJob: @unchecked Sendable {
        let column: DocumentColumn
        let needle: [UInt8]

        func scan(_ rows: Range<Int>) -> RowSet {
            var result = RowSet(capacity: column.spans.count)
            column.bytes.withUnsafeBufferPointer { haystack in
                needle.withUnsafeBufferPointer { needle in
                    for row in rows {
                        let span = column.spans[row]
                        guard span.length >= needle.count else { continue }
                        if needle.isEmpty
                            || scan_contains_bytes(
                                haystack.baseAddress! + span.start, span.length, needle.baseAddress!, needle.count) != 0
                        {
                            result.insert(row)
                        }
                    }
                }
            }
            return result
        }
    }
}
