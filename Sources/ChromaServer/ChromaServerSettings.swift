import Foundation

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
    /// Pages (browser origins) besides this machine's that may call the API
    /// (`CHROMA_SERVER_CORS_ALLOW_ORIGINS`).
    public var allowedOrigins: [String]
    /// The address listened on: on loopback, requests must name this machine in `Host`.
    public var bindHost: String

    public init(
        allowReset: Bool = false, authToken: String? = nil, maxBodyBytes: Int = 256 << 20, maxBatchSize: Int = 41666,
        allowedOrigins: [String] = [], bindHost: String = "127.0.0.1"
    ) {
        self.allowReset = allowReset
        self.authToken = authToken
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchSize = maxBatchSize
        self.allowedOrigins = allowedOrigins
        self.bindHost = bindHost
    }

    /// The settings Chroma reads from its environment: `ALLOW_RESET`,
    /// `CHROMA_SERVER_AUTHN_CREDENTIALS`, `CHROMA_SERVER_CORS_ALLOW_ORIGINS`.
    public init(environment: [String: String], allowReset: Bool, bindHost: String, maxBodyBytes: Int = 256 << 20) {
        self.init(
            allowReset: allowReset || environment["ALLOW_RESET"]?.uppercased() == "TRUE",
            authToken: environment["CHROMA_SERVER_AUTHN_CREDENTIALS"].flatMap { $0.isEmpty ? nil : $0 },
            maxBodyBytes: maxBodyBytes, allowedOrigins: Self.origins(environment["CHROMA_SERVER_CORS_ALLOW_ORIGINS"]),
            bindHost: bindHost)
    }

    /// Chroma's `CHROMA_SERVER_CORS_ALLOW_ORIGINS`: a JSON list (`["http://a"]`) or a comma-separated one.
    public static func origins(_ setting: String?) -> [String] {
        guard let setting else { return [] }
        return setting.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }.filter { !$0.isEmpty }
    }
}
