/// Which listeners this process runs, so health reports can check each one for real.
public struct Listeners: Sendable {
    public struct Address: Sendable {
        public let host: String
        public let port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Where a local client reaches it (a wildcard bind is reached on loopback).
        public var url: String {
            let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
            return "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)"
        }
    }

    public var api: Address?
    public var mcp: Address?
    public var chroma: Address?

    public init(api: Address?, mcp: Address?, chroma: Address?) {
        self.api = api
        self.mcp = mcp
        self.chroma = chroma
    }
}
