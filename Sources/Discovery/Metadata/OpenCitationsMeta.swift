import Foundation
import JSON

/// OpenCitations Meta's metadata by DOI (`/metadata/doi:A__doi:B`, many works a request), with
/// the access token in `authorization` when there is one.
public struct OpenCitationsMeta: Sendable {
    /// `baseURL` is the API root (`https://opencitations.net/meta/api/v1`).
    public let baseURL: URL
    let fetch: PagedFetch
    /// DOIs asked per request (they go in the path, so a request stays short).
    public let batchSize: Int

    public init(
        baseURL: URL, token: String?, contact: String?,
        spacing: RequestSpacing = RequestSpacing(interval: .milliseconds(200)), batchSize: Int = 25,
        timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        self.batchSize = max(1, batchSize)
        fetch = PagedFetch(
            service: "OpenCitations Meta",
            client: PoliteClient.make(
                contact: contact, timeout: timeout, headers: token.map { ["authorization": $0] } ?? [:]),
            spacing: spacing)
    }

    /// The records of `dois`, in order; nil where Meta has none.
    public func records(dois: [String]) async throws -> [OpenCitationsRecord?] {
        var byDOI: [String: OpenCitationsRecord] = [:]
        for start in stride(from: 0, to: dois.count, by: batchSize) {
            let batch = dois[start..<min(start + batchSize, dois.count)]
            let ids = batch.map { "doi:" + $0.lowercased() }.joined(separator: "__")
            guard let path = ids.addingPercentEncoding(withAllowedCharacters: Self.pathCharacters),
                let url = URL(string: baseURL.absoluteString + "/metadata/" + path)
            else { throw SourceError("A DOI could not be put in an OpenCitations Meta address") }
            for record in try OpenCitationsRecord.parse(try await fetch.get(url)) {
                for doi in record.dois { byDOI[doi] = record }
            }
        }
        return dois.map { byDOI[$0.lowercased()] }
    }

    /// What a DOI may keep in the path: slashes and colons stay, `<`, `>`, `;`, `#`, `?` are escaped.
    static let pathCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: ";?#<>"))
}
