/// Why a JSON text could not be read.
public struct JSONError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// Byte offset of the problem in the input.
    public let offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at byte \(offset)" }
}
