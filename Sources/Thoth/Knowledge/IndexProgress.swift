import Foundation

/// Progress of an indexing run, reported after each file: files done of all, chunks written,
/// and the time since the run began.
public struct IndexProgress: Sendable {
    public let done: Int
    public let total: Int
    public let file: String
    public var chunks = 0
    public var seconds = 0.0

    public init(done: Int, total: Int, file: String, chunks: Int = 0, seconds: Double = 0) {
        (self.done, self.total, self.file, self.chunks, self.seconds) = (done, total, file, chunks, seconds)
    }

    public var fraction: Double { total == 0 ? 1 : Double(done) / Double(total) }

    /// "120/350 files · 4210 chunks · 85 chunks/s · notes/hnsw.md", the same from the CLI and
    /// from a server's operation.
    public var summary: String {
        let rate = seconds > 0 ? Int((Double(chunks) / seconds).rounded()) : 0
        let name = (file as NSString).lastPathComponent
        return "\(done)/\(total) files · \(chunks) chunks · \(rate) chunks/s" + (name.isEmpty ? "" : " · " + name)
    }
}
