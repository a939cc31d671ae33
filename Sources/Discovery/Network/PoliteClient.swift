import Foundation
import JSONHTTP

/// The HTTP client discovery talks to a service with: a User-Agent naming Thoth and, when set,
/// a contact address (the "polite pool" CrossRef and arXiv ask for), extra headers (an API
/// key), and retries of 429/5xx.
enum PoliteClient {
    static func make(contact: String?, timeout: TimeInterval, headers: [String: String] = [:]) -> JSONHTTPClient {
        let agent = "Thoth/0.1 (research assistant" + (contact.map { "; mailto:\($0)" } ?? "") + ")"
        return JSONHTTPClient(headers: headers.merging(["User-Agent": agent]) { $1 }, timeout: timeout, maxRetries: 3)
    }
}
