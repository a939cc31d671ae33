import Foundation
import JSON

/// One web search result, the same whichever engine found it.
public struct WebResult: Sendable, Equatable {
    public var title: String
    public var url: String
    public var snippet: String
    /// When the engine dates the page (its own format: `2024-12-27T15:49:55`, `4 days ago`).
    public var date: String?

    public var json: JSONValue {
        [
            "title": .string(title), "url": .string(url), "snippet": .string(snippet),
            "date": date.map { .string($0) } ?? .null,
        ]
    }
}

/// Web search over one engine at a configurable address: a SearxNG instance's JSON API, Brave
/// Search's API (`X-Subscription-Token`), Serper (`X-API-KEY`), or DuckDuckGo's HTML page, which
/// needs no key. Results are normalised to title, URL, snippet and date, markup removed.
public struct WebSearch: Sendable {
    public enum Engine: String, Sendable, CaseIterable {
        case searxng, brave, serper, duckduckgo
    }

    /// Options the engines share, each mapped to the engine's own parameter.
    public struct Options: Sendable {
        public var safeSearch = true
        /// A country code (`us`, `de`).
        public var region = "us"
        /// `day`, `week`, `month` or `year`; nil for any time.
        public var timeRange: String?
        public init(safeSearch: Bool = true, region: String = "us", timeRange: String? = nil) {
            (self.safeSearch, self.region, self.timeRange) = (safeSearch, region, timeRange)
        }
    }

    public let engine: Engine
    public let baseURL: URL
    let fetch: PagedFetch

    public init(engine: Engine, baseURL: URL, key: String?, contact: String?, timeout: TimeInterval = 20) {
        self.engine = engine
        self.baseURL = baseURL
        var headers: [String: String] = [:]
        switch engine {
        case .brave: headers = ["X-Subscription-Token": key ?? "", "Accept": "application/json"]
        case .serper: headers = ["X-API-KEY": key ?? ""]
        default: break
        }
        fetch = PagedFetch(
            service: engine.rawValue, client: PoliteClient.make(contact: contact, timeout: timeout, headers: headers),
            spacing: RequestSpacing(interval: .milliseconds(500)))
    }

    public func search(_ query: String, limit: Int, options: Options = Options()) async throws -> [WebResult] {
        let query = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw SourceError("The web search query is empty") }
        let results: [WebResult]
        switch engine {
        case .searxng:
            var items = [
                URLQueryItem(name: "q", value: query), URLQueryItem(name: "format", value: "json"),
                URLQueryItem(name: "safesearch", value: options.safeSearch ? "1" : "0"),
                URLQueryItem(name: "language", value: "en-\(options.region.uppercased())"),
            ]
            if let range = options.timeRange { items.append(URLQueryItem(name: "time_range", value: range)) }
            results = try Self.searxng(try await fetch.get(url("search", items)))
        case .brave:
            var items = [
                URLQueryItem(name: "q", value: query), URLQueryItem(name: "count", value: String(min(limit, 20))),
                URLQueryItem(name: "safesearch", value: options.safeSearch ? "moderate" : "off"),
                URLQueryItem(name: "country", value: options.region.lowercased()),
            ]
            if let range = options.timeRange.flatMap({ ["day": "pd", "week": "pw", "month": "pm", "year": "py"][$0] }) {
                items.append(URLQueryItem(name: "freshness", value: range))
            }
            results = try Self.brave(try await fetch.get(url("res/v1/web/search", items)))
        case .serper:
            var body: JSONObject = [
                "q": .string(query), "num": .int(Int64(min(limit, 100))), "gl": .string(options.region.lowercased()),
            ]
            if let range = options.timeRange?.first { body["tbs"] = .string("qdr:\(range)") }
            results = try Self.serper(try await fetch.post(url("search", []), body: .object(body)))
        case .duckduckgo:
            var items = [
                URLQueryItem(name: "q", value: query),
                URLQueryItem(name: "kl", value: "\(options.region.lowercased())-en"),
                URLQueryItem(name: "kp", value: options.safeSearch ? "1" : "-2"),
            ]
            if let range = options.timeRange?.first { items.append(URLQueryItem(name: "df", value: String(range))) }
            results = Self.duckDuckGo(String(decoding: try await fetch.get(url("html/", items)), as: UTF8.self))
        }
        return Array(results.prefix(limit))
    }

    private func url(_ path: String, _ items: [URLQueryItem]) -> URL {
        var components = URLComponents(
            url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if path.hasSuffix("/"), !components.path.hasSuffix("/") { components.path += "/" }
        if !items.isEmpty { components.queryItems = items }
        return components.url!
    }

    // MARK: - The engines' answers

    /// SearxNG's `format=json`: `results[]` with `title`, `url`, `content`, `publishedDate`.
    static func searxng(_ data: Data) throws -> [WebResult] {
        try list(data, "SearxNG") { $0["results"]?.arrayValue }.compactMap { item in
            result(item["title"], item["url"], item["content"], item["publishedDate"])
        }
    }

    /// Brave Search: `web.results[]` with `title`, `url`, `description` (HTML), `page_age` or `age`.
    static func brave(_ data: Data) throws -> [WebResult] {
        try list(data, "Brave Search") { $0["web"]?.objectValue?["results"]?.arrayValue ?? [] }.compactMap { item in
            result(item["title"], item["url"], item["description"], item["page_age"] ?? item["age"])
        }
    }

    /// Serper: `organic[]` with `title`, `link`, `snippet`, `date`.
    static func serper(_ data: Data) throws -> [WebResult] {
        try list(data, "Serper") { $0["organic"]?.arrayValue ?? [] }.compactMap { item in
            result(item["title"], item["link"], item["snippet"], item["date"])
        }
    }

    private static func list(_ data: Data, _ engine: String, _ pick: (JSONObject) -> [JSONValue]?) throws
        -> [JSONObject]
    {
        guard let object = (try? JSONReader.parse(data))?.objectValue, let items = pick(object) else {
            throw SourceError("\(engine) answered with something that is not its results")
        }
        return items.compactMap(\.objectValue)
    }

    private static func result(_ title: JSONValue?, _ url: JSONValue?, _ snippet: JSONValue?, _ date: JSONValue?)
        -> WebResult?
    {
        guard let url = url?.stringValue, url.hasPrefix("http") else { return nil }
        return WebResult(
            title: plain(title?.stringValue ?? url), url: url, snippet: plain(snippet?.stringValue ?? ""),
            date: date?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// DuckDuckGo's HTML results page: each `result__a` link (through DuckDuckGo's `/l/?uddg=`
    /// redirect) and the `result__snippet` after it.
    static func duckDuckGo(_ html: String) -> [WebResult] {
        let link = /class="result__a"[^>]*href="([^"]+)"[^>]*>(.*?)<\/a>/.dotMatchesNewlines()
        let snippet = /class="result__snippet"[^>]*>(.*?)<\/(?:a|td|div)>/.dotMatchesNewlines()
        var results: [WebResult] = []
        var seen = Set<String>()
        let matches = html.matches(of: link)
        for (index, match) in matches.enumerated() {
            guard let url = target(String(match.1)), seen.insert(url).inserted else { continue }
            let end = index + 1 < matches.count ? matches[index + 1].range.lowerBound : html.endIndex
            let text = html[match.range.upperBound..<end].firstMatch(of: snippet).map { String($0.1) } ?? ""
            results.append(WebResult(title: plain(String(match.2)), url: url, snippet: plain(text), date: nil))
        }
        return results
    }

    /// The page a DuckDuckGo link leads to (`//duckduckgo.com/l/?uddg=<page>&rut=…`); ads are skipped.
    static func target(_ href: String) -> String? {
        let href = plain(href)
        if let components = URLComponents(string: href.hasPrefix("//") ? "https:" + href : href),
            components.path.hasSuffix("/l/"),
            let page = components.queryItems?.first(where: { $0.name == "uddg" })?.value
        {
            return page.hasPrefix("http") ? page : nil
        }
        guard href.hasPrefix("http"), !href.contains("duckduckgo.com/y.js") else { return nil }
        return href
    }

    /// Text without tags, entities decoded, whitespace collapsed.
    static func plain(_ html: String) -> String {
        var text = html.replacing(/<[^>]*>/, with: "")
        for (entity, character) in [
            ("&quot;", "\""), ("&#x27;", "'"), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "),
            ("&amp;", "&"),
        ] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
