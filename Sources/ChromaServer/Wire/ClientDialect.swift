import HTTPTypes
import Hummingbird

/// Which generation of Chroma client sent a request: they need different collection JSON
/// and slightly different response bodies (chroma-api.md §0, §9, §10.3).
enum ClientDialect: Sendable {
    /// Python and JS clients 1.x: the current shape.
    case current
    /// Python 0.5.4–0.6.3 (`python-httpx` user agent): legacy `configuration_json` with `_type`.
    case legacy
    /// Python 0.4.x–0.5.3 (`python-requests` user agent): five-key collections.
    case requests

    init(_ request: Request) {
        let agent = request.headers[.userAgent] ?? ""
        if agent.hasPrefix("python-requests/") {
            self = .requests
        } else if agent.hasPrefix("python-httpx/") {
            self = .legacy
        } else {
            self = .current
        }
    }

    var isLegacy: Bool { self != .current }
}
