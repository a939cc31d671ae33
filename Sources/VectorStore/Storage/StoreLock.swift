import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An advisory lock on a store directory (`vectors.lock`): every open store holds it shared,
/// so a restore — which needs it exclusively — refuses to replace a store that is in use.
final class StoreLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock shared (`exclusive: false`) or exclusively, without waiting.
    init(directory: String, exclusive: Bool) throws(VectorStoreError) {
        let path = (directory as NSString).appendingPathComponent("vectors.lock")
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .storage("Cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(descriptor)
            throw .storage("The store in \(directory) is in use by another process (a running server?)")
        }
    }

    deinit { close(descriptor) }
}
