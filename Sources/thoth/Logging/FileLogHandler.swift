import Foundation
import Logging
import Synchronization

/// Appends log lines to a file (`<logs>/thoth.log`), one `write` per line so concurrent
/// writers never interleave within a line. swift-log ships only the stdout/stderr handlers.
struct FileLogHandler: LogHandler {
    final class Sink: Sendable {
        let handle: Mutex<FileHandle>

        init(path: String) throws {
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            file.seekToEndOfFile()
            handle = Mutex(file)
        }

        func write(_ line: String) {
            handle.withLock { $0.write(Data(line.utf8)) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details =
            merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        sink.write(
            "\(ISO8601DateFormatter().string(from: Date())) \(event.level) \(label): \(event.message)\(details)\n")
    }
}

/// Logging for a server run: stdout and `<logs>/thoth.log`, at `THOTH_LOG_LEVEL`.
enum ServerLogging {
    static func bootstrap(level: String, logsDirectory: String) {
        let logLevel = Logger.Level(rawValue: normalized(level)) ?? .info
        let sink = try? FileLogHandler.Sink(path: (logsDirectory as NSString).appendingPathComponent("thoth.log"))
        LoggingSystem.bootstrap { label in
            var console = StreamLogHandler.standardOutput(label: label)
            console.logLevel = logLevel
            guard let sink else { return console }
            var file = FileLogHandler(label: label, sink: sink)
            file.logLevel = logLevel
            return MultiplexLogHandler([console, file])
        }
    }

    /// Python's level names (`WARNING`, `CRITICAL`) mapped onto swift-log's.
    static func normalized(_ level: String) -> String {
        switch level.lowercased() {
        case "warn", "warning": "warning"
        case "fatal", "critical": "critical"
        default: level.lowercased()
        }
    }
}
