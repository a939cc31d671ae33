import Foundation
import Hummingbird
import Synchronization
import Thoth

/// Request counts and latencies per route, for `/metrics` in Prometheus' text format. Routes are
/// labelled by their pattern (`/chat/sessions/{id}`), so ids never multiply the series.
final class RequestMetrics: Sendable {
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct Series {
        var count = 0
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: RequestMetrics.bounds.count)
    }

    private struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private let state = Mutex<[Key: Series]>([:])
    private let inFlight = Mutex(0)
    let started = Date()

    func begin() { inFlight.withLock { $0 += 1 } }

    func end(method: String, route: String, status: Int, seconds: Double) {
        inFlight.withLock { $0 -= 1 }
        state.withLock { series in
            let key = Key(method: method, route: route, status: status)
            var entry = series[key] ?? Series()
            entry.count += 1
            entry.sum += seconds
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { entry.buckets[index] += 1 }
            series[key] = entry
        }
    }

    /// The exposition text.
    func render(extra: [(name: String, help: String, value: Double)]) -> String {
        let series = state.withLock { $0 }.sorted {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }
        var text = """
            # HELP thoth_http_requests_total HTTP requests answered, by method, route and status.
            # TYPE thoth_http_requests_total counter

            """
        for (key, entry) in series {
            text += "thoth_http_requests_total{\(labels(key))} \(entry.count)\n"
        }
        text += """
            # HELP thoth_http_request_duration_seconds Time to answer HTTP requests.
            # TYPE thoth_http_request_duration_seconds histogram

            """
        for (key, entry) in series {
            for (index, bound) in Self.bounds.enumerated() {
                text +=
                    "thoth_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(entry.buckets[index])\n"
            }
            text += "thoth_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(entry.count)\n"
            text += "thoth_http_request_duration_seconds_sum{\(labels(key))} \(entry.sum)\n"
            text += "thoth_http_request_duration_seconds_count{\(labels(key))} \(entry.count)\n"
        }
        let gauges =
            [
                ("thoth_http_requests_in_flight", "HTTP requests being answered.", Double(inFlight.withLock { $0 })),
                ("thoth_uptime_seconds", "Seconds since the server started.", Date().timeIntervalSince(started)),
            ] + extra
        for (name, help, value) in gauges {
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(value)\n"
        }
        return text
    }

    private func labels(_ key: Key) -> String {
        "method=\"\(key.method)\",route=\"\(key.route.replacingOccurrences(of: "\"", with: "\\\""))\",status=\"\(key.status)\""
    }
}

struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        metrics.begin()
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - start
            let seconds = elapsed.seconds
            metrics.end(
                method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                seconds: seconds)
            // The access log, at debug level (THOTH_LOG_LEVEL=debug).
            context.logger.debug("\(request.method) \(request.uri.path) \(status) \(Int64(seconds * 1e6)) µs")
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
