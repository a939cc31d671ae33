import Foundation
import JSON
import Synchronization

/// Runs each discovery source when it is due: `interval_hours` (default 24) after its last
/// run's start, as recorded in the article store, so a restart neither skips nor repeats a
/// run. Sources with `"enabled": false` are left alone. Runs go through the runner one at a
/// time, and report their progress on `/ws/progress` as operations named `discovery-<source>`.
public final class DiscoveryScheduler: Sendable {
    let runner: DiscoveryRunner
    let progress: ProgressBroadcast?
    /// How often due sources are looked for.
    let tick: Duration
    private let state = Mutex<(running: Bool, runs: Int, lastCheck: Date?)>((false, 0, nil))
    private let log = Mutex<@Sendable (String) -> Void>({ _ in })

    public init(runner: DiscoveryRunner, progress: ProgressBroadcast? = nil, tick: Duration = .seconds(30)) {
        self.runner = runner
        self.progress = progress
        self.tick = tick
    }

    public func log(to sink: @escaping @Sendable (String) -> Void) { log.withLock { $0 = sink } }

    /// What `/health` reports.
    public var status: JSONObject {
        state.withLock { state in
            [
                "status": .string(state.running ? "running" : "stopped"),
                "sources": .int(Int64(runner.sources.names().count)), "runs_started": .int(Int64(state.runs)),
                "last_check": state.lastCheck.map { .string(ISOTime.string($0)) } ?? .null,
            ]
        }
    }

    /// When the source named `name` is next due (now when it never ran).
    public func nextRun(_ name: String) throws -> Date {
        let source = try runner.sources.source(name)
        let hours = source["interval_hours"]?.doubleValue ?? 24
        guard let last = try runner.articles.lastRunStart(source: name) else { return Date.distantPast }
        return last.addingTimeInterval(max(0.001, hours) * 3600)
    }

    /// Checks for due sources until cancelled.
    public func run() async {
        state.withLock { $0.running = true }
        defer { state.withLock { $0.running = false } }
        while !Task.isCancelled {
            state.withLock { $0.lastCheck = Date() }
            for name in runner.sources.names() where !Task.isCancelled {
                guard (try? runner.sources.source(name))?["enabled"] != .bool(false),
                    let due = try? nextRun(name), due <= Date()
                else { continue }
                state.withLock { $0.runs += 1 }
                let publish: @Sendable (String, Int, String) -> Void = { [progress] status, percent, message in
                    progress?.publish([
                        "operation_id": .string("discovery-\(name)"), "operation_type": "discovery_run",
                        "status": .string(status), "progress": .int(Int64(percent)), "message": .string(message),
                    ])
                }
                do {
                    let record = try await runner.run(name) { publish("running", $0, $1) }
                    publish(
                        "completed", 100, "Found \(record["found"]?.intValue ?? 0), new \(record["new"]?.intValue ?? 0)"
                    )
                    log.withLock { $0 }("Discovery \(name): \(JSONWriter.string(.object(record)))")
                } catch {
                    publish("failed", 100, "\(error)")
                    log.withLock { $0 }("Discovery \(name) failed: \(error)")
                }
            }
            try? await Task.sleep(for: tick)
        }
    }
}
