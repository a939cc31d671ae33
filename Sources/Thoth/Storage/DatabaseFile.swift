import Foundation
import GRDB

/// Thoth's own SQLite files next to the store (chat history, the processed-documents ledger):
/// created with their folder, waiting up to 10 s on a lock, migrated on open.
enum DatabaseFile {
    static func open(
        _ fileName: String, in directory: String, foreignKeys: Bool = false,
        migrations: (inout DatabaseMigrator) -> Void
    ) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = foreignKeys
        let queue = try DatabaseQueue(
            path: (directory as NSString).appendingPathComponent(fileName), configuration: configuration)
        var migrator = DatabaseMigrator()
        migrations(&migrator)
        try migrator.migrate(queue)
        return queue
    }
}
