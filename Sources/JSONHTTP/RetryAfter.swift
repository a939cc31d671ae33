import Foundation

/// How long a server's `Retry-After` asks a client to wait: delay-seconds or an HTTP date,
/// clamped to `0...limit`. Anything else (garbage, `nan`, `inf`, dates that do not parse) is
/// nil, and the caller backs off by its own rule: an upstream's header must never trap.
public enum RetryAfter {
    public static func delay(_ header: String?, limit: Duration = .seconds(30), now: Date = Date()) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let seconds: Double
        if let number = Double(text) {
            seconds = number
        } else if let date = httpDate().date(from: text) {
            seconds = date.timeIntervalSince(now)
        } else {
            return nil
        }
        guard seconds.isFinite else { return nil }
        let limitSeconds = Double(limit.components.seconds)
        return .milliseconds(Int64((min(max(seconds, 0), limitSeconds) * 1000).rounded()))
    }

    /// RFC 9110's IMF-fixdate, the form servers send (`Wed, 21 Oct 2015 07:28:00 GMT`). A new
    /// formatter per call: Foundation's formatters are not safe to share across threads on Linux,
    /// and a date header arrives only with a 429 or 5xx.
    private static func httpDate() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter
    }
}
