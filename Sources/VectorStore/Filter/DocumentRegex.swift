import CBoundedRegex
import Foundation

/// A compiled `$regex` pattern whose matching is bounded in time: ICU's backtracking engine
/// with a step limit per document, plus a deadline over the whole scan, so a pathological
/// pattern yields a clear error instead of a hung request.
final class DocumentRegex {
    /// ICU match-engine steps allowed per document (roughly milliseconds).
    static let stepLimitPerDocument: Int32 = 200
    /// Wall-clock budget for testing one pattern against a whole collection.
    static let scanBudget: Duration = .seconds(5)

    private let regex: OpaquePointer
    private let deadline: ContinuousClock.Instant

    init(_ pattern: String) throws(VectorStoreError) {
        var message = [CChar](repeating: 0, count: 256)
        let compiled = pattern.utf8CString.withUnsafeBufferPointer { buffer in
            bounded_regex_compile(
                buffer.baseAddress, Int32(buffer.count - 1), Self.stepLimitPerDocument, &message, Int32(message.count))
        }
        guard let compiled else {
            let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .invalidArgument("Regex syntax errror: regex parse error: \(detail)")
        }
        regex = compiled
        deadline = .now + Self.scanBudget
    }

    deinit { bounded_regex_free(regex) }

    func matches(_ document: String) throws(VectorStoreError) -> Bool {
        if ContinuousClock.now > deadline { throw Self.tooSlow }
        var text = document
        let result = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { bounded_regex_search(regex, $0.baseAddress, Int32($0.count)) }
        }
        switch result {
        case BOUNDED_REGEX_MATCH: return true
        case BOUNDED_REGEX_NO_MATCH: return false
        case BOUNDED_REGEX_TIMEOUT: throw Self.tooSlow
        default: throw .invalidArgument("Regex matching failed on a document")
        }
    }

    private static let tooSlow = VectorStoreError.invalidArgument(
        "Regex matching exceeded its time limit; the pattern backtracks too much, simplify it")
}
