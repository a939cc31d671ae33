/// How the Chroma-compatible server behaves.
public struct ChromaServerSettings: Sendable {
    /// `POST /reset` wipes the store only when this is set (Chroma's `ALLOW_RESET`).
    public var allowReset: Bool
    /// When set, every route but heartbeat and healthcheck needs this token, sent as
    /// `Authorization: Bearer <token>` or `X-Chroma-Token: <token>`.
    public var authToken: String?
    /// Request bodies larger than this get 413.
    public var maxBodyBytes: Int
    /// Advertised in pre-flight checks; clients split their writes into batches of at most this.
    public var maxBatchSize: Int

    public init(
        allowReset: Bool = false, authToken: String? = nil, maxBodyBytes: Int = 256 << 20, maxBatchSize: Int = 41666
    ) {
        self.allowReset = allowReset
        self.authToken = authToken
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchSize = maxBatchSize
    }
}
