import Foundation
import JSON
import Synchronization

/// Long-running operations started over the API: each has an id, a status (`running`,
/// `completed`, `failed`), a progress 0–100 and a result, readable at
/// `/operations/{id}/status` and pushed to `/ws/progress` as it changes.
public final class OperationRegistry: Sendable {
    public struct Status: Sendable {
        public var status: String
        public var progress: Int
        public var message: String
        public var result: JSONValue
        public var timestamp: Date

        public var json: JSONValue {
            [
                "status": .string(status), "progress": .int(Int64(progress)), "message": .string(message),
                "result": result, "timestamp": .string(ISOTime.string(timestamp)),
            ]
        }
    }

    /// Reports progress (0–100) and a message from inside an operation.
    public typealias Report = @Sendable (_ progress: Int, _ message: String) -> Void

    private let operations = Mutex<[String: Status]>([:])
    public let progress: ProgressBroadcast

    public init(progress: ProgressBroadcast) {
        self.progress = progress
    }

    public func status(_ id: String) -> Status? { operations.withLock { $0[id] } }

    /// Every operation this process started, newest change first.
    public func all() -> [(id: String, status: Status)] {
        operations.withLock { $0.map { ($0.key, $0.value) } }.sorted { $0.status.timestamp > $1.status.timestamp }
    }

    /// Starts `work` in the background under `id` (a new UUID when nil) and returns the id at once.
    public func start(
        id: String?, message: String, _ work: @escaping @Sendable (_ report: @escaping Report) async throws -> JSONValue
    ) throws -> String {
        let id = id ?? UUID().uuidString.lowercased()
        try operations.withLock { operations in
            if operations[id]?.status == "running" {
                throw ThothError(.invalidRequest, "Operation \(id) is already running")
            }
            operations[id] = Status(status: "running", progress: 0, message: message, result: .null, timestamp: Date())
        }
        publish(id)
        Task {
            do {
                let result = try await work { value, message in
                    self.update(id) {
                        $0.progress = min(99, max($0.progress, value))
                        $0.message = message
                    }
                }
                update(id) {
                    $0.status = "completed"
                    $0.progress = 100
                    $0.message = "Completed"
                    $0.result = result
                }
            } catch {
                update(id) {
                    $0.status = "failed"
                    $0.message = "\(error)"
                }
            }
        }
        return id
    }

    private func update(_ id: String, _ change: (inout Status) -> Void) {
        operations.withLock { operations in
            guard var status = operations[id] else { return }
            change(&status)
            status.timestamp = Date()
            operations[id] = status
        }
        publish(id)
    }

    private func publish(_ id: String) {
        guard let status = status(id) else { return }
        progress.publish([
            "operation_id": .string(id), "status": .string(status.status), "progress": .int(Int64(status.progress)),
            "message": .string(status.message),
        ])
    }
}
