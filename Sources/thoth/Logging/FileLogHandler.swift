import Foundation
import Logging
import Synchronization
import Thoth

/// Appends log lines to a file (`<logs>/thoth.log`), one `write` per line so concurrent
/// writers never interleave within a line. Past `maxBytes` the file is rotated:
/// `thoth.log` → `thoth.log.1` → … → `thoth.log.<backups>`, the oldest dropped, so the logs of
/// a long-running server stay bounded. swift-log ships only the stdout/stderr handlers.
struct FileLogHandler: LogHandler {
    final class Sink: Sendable {
        struct File {
            var handle: FileHandle
            var size: UInt64
        }

        let path: String
        let maxBytes: UInt64
        let backups: Int
        private let file: Mutex<File>

        init(path: String, maxBytes: UInt64, backups: Int) throws {
            self.path = path
            self.maxBytes = maxBytes
            self.backups = max(1, backups)
            file = Mutex(try Self.open(path))
        }

        func write(_ line: String) {
            let data = Data(line.utf8)
            file.withLock { file in
                if file.size > 0, file.size + UInt64(data.count) > maxBytes, let reopened = try? rotate(file) {
                    file = reopened
                }
                file.handle.write(data)
                file.size += UInt64(data.count)
            }
        }

        /// Shifts the backups up by one and starts an empty file; a failure leaves the current one
        /// open (a renamed file keeps its handle, so the old handle is closed only at the end).
        private func rotate(_ current: File) throws -> File {
            let manager = FileManager.default
            try? manager.removeItem(atPath: "\(path).\(backups)")
            for number in stride(from: backups - 1, through: 1, by: -1)
            where manager.fileExists(atPath: "\(path).\(number)") {
                try manager.moveItem(atPath: "\(path).\(number)", toPath: "\(path).\(number + 1)")
            }
            try manager.moveItem(atPath: path, toPath: "\(path).1")
            let next = try Self.open(path)
            try? current.handle.close()
            return next
        }

        private static func open(_ path: String) throws -> File {
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            return File(handle: handle, size: handle.seekToEndOfFile())
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
            "\(ISOTime.utc(Date())) \(event.level) \(label): \(event.message)\(details)\n")
    }
}

/// Logging for a server run: stdout and `<logs>/thoth.log` (rotated by size), at `THOTH_LOG_LEVEL`.
enum ServerLogging {
    static func bootstrap(level: String, logsDirectory: String, maxBytes: Int, backups: Int) {
        let logLevel = Logger.Level(rawValue: normalized(level)) ?? .info
        let sink = try? FileLogHandler.Sink(
            path: (logsDirectory as NSString).appendingPathComponent("thoth.log"), maxBytes: UInt64(max(1, maxBytes)),
            backups: backups)
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
