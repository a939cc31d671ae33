import NIOPosix

extension VectorStore {
    /// Threads for store calls made from async code. A search may wait for a batch another
    /// caller is scanning; that wait must not hold one of Swift's few cooperative threads,
    /// which are the ones parsing the very requests that would join the batch.
    static let blockingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 64)
        pool.start()
        return pool
    }()

    /// `query` for async callers (servers): the same search. While another scan is running it
    /// runs on a thread of its own, so concurrent requests can gather into the next scan; while
    /// none is, it cannot have to wait and runs on the caller's thread, saving two thread hops.
    public func query(
        _ collectionID: String, embeddings queries: [[Float]], nResults: Int = 10, where filter: Where? = nil,
        whereDocument: WhereDocument? = nil, ids: [String]? = nil, include: Include = .queryDefault
    ) async throws -> QueryResult {
        let search: @Sendable () throws -> QueryResult = {
            try self.query(
                collectionID, embeddings: queries, nResults: nResults, where: filter, whereDocument: whereDocument,
                ids: ids, include: include)
        }
        if ScanBatcher.running.load(ordering: .relaxed) == 0 { return try search() }
        return try await Self.blockingPool.runIfActive(search)
    }
}
