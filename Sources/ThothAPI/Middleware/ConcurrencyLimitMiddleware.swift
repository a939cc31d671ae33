import HTTPTypes
import Hummingbird
import Synchronization

/// At most `limit` requests in progress (`THOTH_MAX_CONCURRENT_REQUESTS`); the next ones are
/// answered at once with 503 and `Retry-After`, never queued into a hang. Health checks and
/// WebSocket upgrades are outside the routes it is added to.
final class ConcurrencyLimiter: Sendable {
    let limit: Int
    private let inFlight = Mutex(0)

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() -> Bool {
        inFlight.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { inFlight.withLock { $0 -= 1 } }
}

struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: ConcurrencyLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard limiter.acquire() else {
            throw APIError(
                .serviceUnavailable, "Too many concurrent requests (limit \(limiter.limit)); retry shortly",
                headers: [.retryAfter: "1"])
        }
        defer { limiter.release() }
        return try await next(request, context)
    }
}
