import Foundation

/// Which web pages and host names may reach a listener: the defence against cross-site
/// requests (a page the user visits posting to localhost) and DNS rebinding (a hostile name
/// resolving to 127.0.0.1). Requests without `Origin` (curl, SDK clients) are not browsers
/// and pass; a browser's `Origin` must be a local page or one the allow-list names. On a
/// loopback listener the `Host` header must name this machine, or a host the allow-list names.
public struct HostPolicy: Sendable {
    let allowedOrigins: Set<String>
    let allowsAnyOrigin: Bool
    let checksHost: Bool
    let allowedHosts: Set<String>

    /// `allowedOrigins` is the CORS allow-list (`*` allows any origin); `bindHost` is the
    /// address the listener is bound to.
    public init(allowedOrigins: [String], bindHost: String) {
        let origins = allowedOrigins.map { Self.normalizedOrigin($0) }
        self.allowedOrigins = Set(origins)
        allowsAnyOrigin = origins.contains("*")
        checksHost = Self.isLoopback(bindHost)
        // This machine's own name resolves to loopback on Debian (/etc/hosts: 127.0.1.1).
        allowedHosts = Set(
            origins.compactMap { URL(string: $0)?.host?.lowercased() } + [ProcessInfo.processInfo.hostName.lowercased()]
        )
    }

    /// Why a request with these headers is refused, or nil.
    public func rejection(origin: String?, host: String?) -> String? {
        if let origin, !allowsAnyOrigin, !allowedOrigins.contains(Self.normalizedOrigin(origin)),
            !Self.isLocalOrigin(origin)
        {
            return "Origin \(origin) is not allowed (THOTH_CORS_ALLOWED_ORIGINS lists the allowed ones)"
        }
        if checksHost, let host, let name = Self.hostName(host), !Self.isLoopback(name), !allowedHosts.contains(name) {
            return "Host \(host) is not this machine: the server is bound to loopback"
        }
        return nil
    }

    /// `http(s)://localhost|127.x.x.x|[::1][:port]`: a page served from this machine.
    static func isLocalOrigin(_ origin: String) -> Bool {
        guard let url = URL(string: origin), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host
        else { return false }
        return isLoopback(host)
    }

    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" || name.hasSuffix(".localhost") { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The name in a `Host` header, without its port, lower-cased; nil when malformed.
    static func hostName(_ header: String) -> String? {
        let value = header.trimmingCharacters(in: .whitespaces).lowercased()
        if value.hasPrefix("[") {
            guard let end = value.firstIndex(of: "]") else { return nil }
            return String(value[value.index(after: value.startIndex)..<end])
        }
        return value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
    }

    static func normalizedOrigin(_ origin: String) -> String {
        var value = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}
