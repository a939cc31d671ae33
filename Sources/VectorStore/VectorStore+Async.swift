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

    /// Runs `work` on a thread of the store's pool: the one way async code (servers, services)
    /// calls into the store, so SQLite commits (`synchronous=FULL`), first loads of a collection
    /// and filtered reads never hold one of Swift's few cooperative threads.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await Self.blockingPool.runIfActive(work)
    }

    /// `query` for async callers (servers): the same search. It runs on the caller's thread
    /// only when it can neither block nor wait: the collection is loaded, the query reads no
    /// SQLite (ids and distances only) and no scan is running (else concurrent requests gather
    /// into the next scan on threads of the pool). That saves two thread hops per small query.
    public func query(
        _ collectionID: String, embeddings queries: [[Float]], nResults: Int = 10, where filter: Where? = nil,
        whereDocument: WhereDocument? = nil, ids: [String]? = nil, include: Include = .queryDefault
    ) async throws -> QueryResult {
        let search: @Sendable () throws -> QueryResult = {
            try self.query(
                collectionID, embeddings: queries, nResults: nResults, where: filter, whereDocument: whereDocument,
                ids: ids, include: include)
        }
        let inline =
            ScanBatcher.running.load(ordering: .relaxed) == 0 && filter == nil && whereDocument == nil && ids == nil
            && include.subtracting(.distances).isEmpty && isLoaded(collectionID)
        if inline { return try search() }
        return try await Self.blockingPool.runIfActive(search)
    }
}

extension VectorStore {
    /// Whether the collection's vectors are in memory already (so a search reads no SQLite).
    func isLoaded(_ collectionID: String) -> Bool {
        guard let info = try? collection(id: collectionID), let index = try? indexes.index(for: info) else {
            return false
        }
        return index.loadedCount != nil
    }
}
