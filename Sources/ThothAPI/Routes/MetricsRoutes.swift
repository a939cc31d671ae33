import Hummingbird
import NIOCore

extension ThothAPI {
    /// `GET /metrics`: Prometheus text format (the original's monitoring scraped a route it never had).
    func addMetricsRoutes(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            let text = metrics.render(extra: [
                ("thoth_concurrent_request_limit", "THOTH_MAX_CONCURRENT_REQUESTS.", Double(limiter.limit))
            ])
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
