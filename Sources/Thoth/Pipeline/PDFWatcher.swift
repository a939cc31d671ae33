import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches the PDF folder and hands each new PDF to the pipeline once it has stopped growing,
/// so a file still being copied is never read half-way. On Linux inotify wakes the watcher as
/// soon as a writer closes a file (or moves one in); a scan every `interval` seconds is the
/// fallback everywhere, and a file no event vouches for must keep its size and modification
/// time for `settle` seconds first.
public final class PDFWatcher: Sendable {
    public let folder: String
    let pipeline: PaperPipeline
    let interval: Double
    let settle: Double
    private let log = Mutex<@Sendable (String) -> Void>({ _ in })
    /// Files (by name) a writer closed or moved in, with when.
    private let closed = Mutex<[String: Date]>([:])
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    private let state = Mutex(State())

    struct State {
        var running = false
        var usesInotify = false
        var processed = 0
        var failed = 0
        var lastScan: Date?
    }

    public init(folder: String, pipeline: PaperPipeline, interval: Double, settle: Double? = nil) {
        self.folder = folder
        self.pipeline = pipeline
        self.interval = interval
        self.settle = settle ?? max(3 * interval, 5)
    }

    /// Where the watcher reports what it did.
    public func log(to sink: @escaping @Sendable (String) -> Void) { log.withLock { $0 = sink } }

    private func say(_ message: String) { log.withLock { $0 }(message) }

    /// What `/health` reports.
    public var status: [String: String] {
        state.withLock { state in
            [
                "status": state.running ? "watching" : "stopped", "folder": folder,
                "mode": state.usesInotify ? "inotify" : "polling", "interval_seconds": String(interval),
                "processed": String(state.processed), "failed": String(state.failed),
                "last_scan": state.lastScan.map { ISOTime.string($0) } ?? "never",
            ]
        }
    }

    /// Watches until the task is cancelled.
    public func run() async {
        state.withLock { $0.running = true }
        defer { state.withLock { $0.running = false } }
        let inotify = startInotify()
        defer { inotify?.stop() }
        state.withLock { $0.usesInotify = inotify != nil }
        say("Watching \(folder) for PDFs (\(inotify != nil ? "inotify" : "polling every \(interval) s"))")
        var seen: [String: Observation] = [:]
        var handled: [String: Observation] = [:]
        while !Task.isCancelled {
            await scan(&seen, &handled)
            // Whichever comes first: an event, or the next polling round.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [wake] in for await _ in wake.stream { return } }
                group.addTask { [interval] in try? await Task.sleep(for: .seconds(interval)) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    struct Observation: Equatable {
        var size: Int
        var modified: Date
        var since = Date()

        static func == (a: Observation, b: Observation) -> Bool { a.size == b.size && a.modified == b.modified }
    }

    private func scan(_ seen: inout [String: Observation], _ handled: inout [String: Observation]) async {
        state.withLock { $0.lastScan = Date() }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.lowercased().hasSuffix(".pdf") && !$0.hasPrefix(".")
        }
        let now = Date()
        var current: [String: Observation] = [:]
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular,
                let size = (attributes[.size] as? NSNumber)?.intValue,
                let modified = attributes[.modificationDate] as? Date
            else { continue }
            var observation = Observation(size: size, modified: modified)
            if let previous = seen[name], previous == observation { observation.since = previous.since }
            current[name] = observation
        }
        seen = current
        handled = handled.filter { current[$0.key] != nil }
        for name in current.keys.sorted() {
            let observation = current[name]!
            if handled[name] == observation { continue }
            let closedAt = closed.withLock { $0[name] }
            let vouched = closedAt.map { $0 >= observation.modified } ?? false
            guard observation.size > 0, vouched || now.timeIntervalSince(observation.since) >= settle else { continue }
            handled[name] = observation
            let path = (folder as NSString).appendingPathComponent(name)
            if (try? pipeline.ledger.entry(path: path))??.status == .processed { continue }
            let outcome = await pipeline.process(path)
            switch outcome.status {
            case .processed:
                state.withLock { $0.processed += 1 }
                say("Processed \(name): \(outcome.message)")
            case .failed:
                state.withLock { $0.failed += 1 }
                say("Failed \(name): \(outcome.message)")
            case .skipped: break
            }
        }
    }

    /// inotify on the folder, read by a thread of its own; nil where unavailable.
    private func startInotify() -> Inotify? {
        #if canImport(Glibc)
            return Inotify(folder: folder) { [weak self] name in
                guard let self, name.lowercased().hasSuffix(".pdf") else { return }
                closed.withLock { $0[name] = Date() }
                wake.continuation.yield()
            }
        #else
            return nil
        #endif
    }
}

#if canImport(Glibc)
    /// An inotify watch for files closed after writing or moved into one folder.
    final class Inotify: Sendable {
        private let descriptor: Int32
        private let watch: Int32
        private let stopped = StopFlag()

        final class StopFlag: Sendable {
            let value = Atomic(false)
        }

        init?(folder: String, onFile: @escaping @Sendable (String) -> Void) {
            descriptor = inotify_init1(Int32(IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            watch = inotify_add_watch(descriptor, folder, UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO))
            guard watch >= 0 else {
                close(descriptor)
                return nil
            }
            let descriptor = descriptor
            let stopped = stopped
            let thread = Thread {
                let size = 64 * 1024
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
                defer { buffer.deallocate() }
                while !stopped.value.load(ordering: .relaxed) {
                    let count = read(descriptor, buffer, size)
                    if count <= 0 { break }
                    var offset = 0
                    while offset + MemoryLayout<inotify_event>.size <= count {
                        let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                        let nameStart = offset + MemoryLayout<inotify_event>.size
                        if event.len > 0 {
                            let name = String(
                                cString: buffer.advanced(by: nameStart).assumingMemoryBound(to: CChar.self))
                            onFile(name)
                        }
                        offset = nameStart + Int(event.len)
                    }
                }
                close(descriptor)
            }
            thread.name = "thoth-inotify"
            thread.start()
        }

        /// Ends the reading thread: removing every watch makes the kernel send IN_IGNORED, which
        /// wakes the blocked read.
        func stop() {
            stopped.value.store(true, ordering: .relaxed)
            inotify_rm_watch(descriptor, watch)
        }
    }
#endif
