import Foundation
import Synchronization

/// Runs a program in a child process with a wall-clock limit and, through util-linux `prlimit`,
/// limits on address space and CPU time, so a hostile input can crash, hang or balloon only
/// the child. Output goes to temporary files (a pipe could fill and stall the child) and is
/// read back up to `maxOutputBytes`. Nothing blocks the caller's thread: the spawn is quick and
/// the exit arrives through Foundation's termination handler.
public struct ChildProcess: Sendable {
    public struct Limits: Sendable {
        /// Killed (SIGKILL) after this long.
        public var wallSeconds: Double
        /// Address-space limit of the child; nil for none.
        public var memoryBytes: Int?
        /// Output kept; the rest is dropped and `truncated` set.
        public var maxOutputBytes: Int

        public init(wallSeconds: Double, memoryBytes: Int? = nil, maxOutputBytes: Int = 256 << 20) {
            self.wallSeconds = wallSeconds
            self.memoryBytes = memoryBytes
            self.maxOutputBytes = maxOutputBytes
        }
    }

    public struct Output: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
        /// Killed for running over the wall-clock limit.
        public let timedOut: Bool
        /// Ended by a signal (a crash, or the kernel refusing memory), not by exiting.
        public let signalled: Bool
        public let truncated: Bool
        public var succeeded: Bool { status == 0 && !timedOut && !signalled }
    }

    public let executable: String
    public let arguments: [String]
    /// Where the kill timers fire: a queue of its own gets a thread even when the global queues'
    /// threads are all busy (the encoder's parallel loops), which would otherwise delay a kill.
    private static let timers = DispatchQueue(label: "thoth.child-process.timers")
    public let limits: Limits

    public init(_ executable: String, _ arguments: [String], limits: Limits) {
        self.executable = executable
        self.arguments = arguments
        self.limits = limits
    }

    /// The full path of `name` on `PATH` (or `name` itself when it holds a slash), nil if absent.
    public static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public func run() async throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("thoth-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout")
        let stderrURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        var command = [executable] + arguments
        if let memory = limits.memoryBytes, let prlimit = Self.locate("prlimit") {
            // CPU seconds bound a child that spins; threads may use every core for the whole window.
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            let cpu = max(1, Int(min((limits.wallSeconds * cores).rounded(.up), 864_000)))
            command = [prlimit, "--as=\(memory)", "--cpu=\(cpu)", "--"] + command
        }
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        // Tesseract's OpenMP threads slow it down when pages are read one by one on few cores.
        environment["OMP_THREAD_LIMIT"] = environment["OMP_THREAD_LIMIT"] ?? "1"
        process.environment = environment

        let state = ChildState()
        let status: (Int32, Process.TerminationReason) = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                state.exited.store(true, ordering: .sequentiallyConsistent)
                continuation.resume(returning: (process.terminationStatus, process.terminationReason))
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            Self.timers.asyncAfter(deadline: .now() + limits.wallSeconds) {
                // Not yet reaped, so the pid is still the child's.
                guard !state.exited.load(ordering: .sequentiallyConsistent) else { return }
                state.timedOut.store(true, ordering: .sequentiallyConsistent)
                kill(pid, SIGKILL)
            }
        }
        let (stdout, truncated) = try Self.read(stdoutURL, upTo: limits.maxOutputBytes)
        let (stderr, _) = try Self.read(stderrURL, upTo: 64 << 10)
        let signalled = status.1 == .uncaughtSignal
        return Output(
            status: status.0, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self),
            // Running out of CPU time (SIGXCPU) is running out of time.
            timedOut: state.timedOut.load(ordering: .sequentiallyConsistent) || (signalled && status.0 == SIGXCPU),
            signalled: signalled, truncated: truncated)
    }

    private static func read(_ url: URL, upTo limit: Int) throws -> (Data, Bool) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        return data.count > limit ? (data.prefix(limit), true) : (data, false)
    }
}

/// What the exit handler and the timer tell each other.
private final class ChildState: Sendable {
    let exited = Atomic(false)
    let timedOut = Atomic(false)
}
