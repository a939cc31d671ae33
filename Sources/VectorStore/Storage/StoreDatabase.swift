import Foundation
import GRDB
import Synchronization

/// The SQLite file behind a store: WAL mode, one writer and concurrent readers, full
/// synchronous commits so that an acknowledged write survives a crash or power loss.
final class StoreDatabase: Sendable {
    static let fileName = "vectors.sqlite3"

    let pool: DatabasePool
    let path: String
    /// Held shared while open, so that a restore cannot replace the file under us.
    let lock: StoreLock
    /// Write transactions ended so far (committed or not): what was read before a write
    /// returned may be stale after it.
    let version = Atomic<UInt64>(0)

    init(directory: String) throws(VectorStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            lock = try StoreLock(directory: directory, exclusive: false)
            path = (directory as NSString).appendingPathComponent(Self.fileName)
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch let error as VectorStoreError {
            throw error
        } catch {
            throw .storage("Cannot open the store in \(directory): \(error)")
        }
    }

    /// A write transaction; committed when `body` returns, rolled back when it throws.
    func write<T>(_ body: (Database) throws -> T) throws(VectorStoreError) -> T {
        defer { version.add(1, ordering: .releasing) }
        do {
            return try pool.write(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// A read transaction over a consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(VectorStoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// `PRAGMA integrity_check` plus the trigram index's own check against the records:
    /// `["ok"]` or the problems found.
    func integrityCheck() throws(VectorStoreError) -> [String] {
        try write { db in
            let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            do {
                try db.execute(sql: "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 0)")
            } catch {
                return problems.filter { $0 != "ok" } + ["document index: \(error)"]
            }
            return problems
        }
    }

    /// A consistent copy of the database written to `destination` while readers and the
    /// writer go on (SQLite's online backup API).
    func backup(to destination: String) throws(VectorStoreError) {
        do {
            let copy = try DatabaseQueue(path: destination)
            try pool.backup(to: copy)
            try copy.close()
        } catch {
            throw Self.storeError(error)
        }
    }

    func close() throws(VectorStoreError) {
        do {
            try pool.close()
        } catch {
            throw Self.storeError(error)
        }
    }

    private static func storeError(_ error: any Error) -> VectorStoreError {
        if let error = error as? VectorStoreError { return error }
        return .storage("SQLite: \(error)")
    }
}
