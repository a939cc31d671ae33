import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The `rows/` directory of a store: per collection, its float rows (`<id>.f32`, a `RowFile`)
/// and the snapshot of the rest of its index (`<id>.rows`, a `RowSnapshot`). The first process to
/// open the store owns them (an exclusive lock on `rows/owner.lock`); another process opening the
/// same store keeps its rows in private files and leaves the directory alone.
final class RowDirectory: Sendable {
    let path: String
    /// The descriptor holding `owner.lock`; -1 when another process owns the files or the store closed.
    private let ownerLock: Mutex<Int32>

    init(store directory: String) throws {
        path = (directory as NSString).appendingPathComponent("rows")
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw VectorStoreError.system("Cannot create \(path)")
        }
        let lockPath = (path as NSString).appendingPathComponent("owner.lock")
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            ownerLock = Mutex(-1)
        } else {
            ownerLock = Mutex(descriptor)
        }
    }

    deinit { release() }

    /// Gives the files up to the next store opened on the directory (the store is closing).
    func release() {
        ownerLock.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    /// Whether this process keeps the collections' row files (else each load builds private ones).
    var owned: Bool { ownerLock.withLock { $0 >= 0 } }

    func floatsPath(_ id: String) -> String { (path as NSString).appendingPathComponent(id + ".f32") }
    func snapshotPath(_ id: String) -> String { (path as NSString).appendingPathComponent(id + ".rows") }

    /// Removes a collection's files (it was deleted).
    func remove(_ id: String) {
        guard owned else { return }
        for file in [floatsPath(id), snapshotPath(id)] { unlink(file) }
    }

    /// Removes files of collections that no longer exist and temporary files a crash left.
    func sweep(keeping ids: Set<String>) {
        guard owned, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where name != "owner.lock" {
            let id = (name as NSString).deletingPathExtension
            if name.hasSuffix(".tmp") || name.hasPrefix("private-") || !ids.contains(id) {
                unlink((path as NSString).appendingPathComponent(name))
            }
        }
    }
}
