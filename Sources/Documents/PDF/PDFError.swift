/// Why a PDF could not be read, naming the file and the reason in words fit for a user.
public struct PDFError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case missing, empty, notPDF = "not_pdf", truncated, encrypted, damaged, tooLarge = "too_large"
        case timedOut = "timed_out", outOfMemory = "out_of_memory", toolMissing = "tool_missing"
    }

    public let file: String
    public let reason: Reason
    public let detail: String

    public init(file: String, reason: Reason, _ detail: String) {
        self.file = file
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
