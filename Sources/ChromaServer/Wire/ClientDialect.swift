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

    /// On `/api/v1` only 0.x clients call: `python-requests` ones want five-key collections,
    /// the rest the legacy shape. On `/api/v2` the stock `python-httpx` agent marks 0.5.16–0.6.3;
    /// 1.x clients announce themselves (and anything else gets the current shape).
    init(_ request: Request) {
        let agent = request.headers[.userAgent] ?? ""
        if request.uri.path.hasPrefix("/api/v1") {
            self = agent.hasPrefix("python-requests/") ? .requests : .legacy
        } else {
            self = agent.hasPrefix("python-httpx/") ? .legacy : .current
        }
    }

    var isLegacy: Bool { self != .current }
}
