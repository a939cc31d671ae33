import Discovery
import Documents
import Foundation
import JSON

/// Locating and fetching one paper's PDF on request (`locate_pdf`, `download_pdf`,
/// `thoth pdf-locate`), and checking the places the locator asks (`validate_pdf_sources`).
extension DiscoveryRunner {
    /// The article `identifier` names: a stored one (by DOI, arXiv id, PMID or title), else a
    /// bare DOI (`10.…`, `doi:…`, a doi.org link) or arXiv id (`2301.01234`, `arXiv:…`).
    public nonisolated func article(for identifier: String) throws -> DiscoveredArticle {
        var text = identifier.trimmingCharacters(in: .whitespacesAndNewlines)
        for prefix in ["https://doi.org/", "http://doi.org/", "doi:", "DOI:"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        if let stored = try articles.article(named: text) { return stored }
        var article = DiscoveredArticle(title: "", authors: [], source: "request")
        if text.wholeMatch(of: /10\.\d{4,9}\/\S+/) != nil {
            article.doi = text.lowercased()
        } else if let match = text.wholeMatch(of: /(?i:arxiv:)?(\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?\/\d{7})/) {
            article.arxivID = String(match.1)
        } else {
            throw ThothError(
                .invalidRequest, "'\(identifier.prefix(200))' is neither a DOI, an arXiv id nor a discovered article")
        }
        return article
    }

    /// Where the PDF of the article `identifier` names can be fetched: the first place found,
    /// or with `all` every place; downloaded into the PDF folder when `download` is set.
    public nonisolated func locate(_ identifier: String, all: Bool, download: Bool) async throws -> JSONObject {
        let article = try article(for: identifier)
        var result: JSONObject = ["article": Self.summary(article)]
        if download {
            let (path, problems) = await self.download(article)
            result["downloaded"] = path.map { .string($0) } ?? .null
            result["problems"] = .array(problems.map { .string($0) })
            return result
        }
        let (found, problems) = await services.locator.candidates(article, all: all)
        result["candidates"] = .array(found.map { ["source": .string($0.source), "url": .string($0.url)] })
        result["problems"] = .array(problems.map { .string($0) })
        return result
    }

    /// Downloads `source`, a PDF's URL or an identifier whose PDF is located first.
    public nonisolated func downloadPDF(_ source: String, name: String?) async throws -> JSONObject {
        if source.hasPrefix("http://") || source.hasPrefix("https://"), !source.contains("doi.org/") {
            let (path, metadata) = try await downloader.download(source, name: name)
            var result = metadata
            result["path"] = .string(path)
            return result
        }
        let result = try await locate(source, all: false, download: true)
        guard case .string(let path)? = result["downloaded"] else {
            let problems = result["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            throw ThothError(.notFound, problems.first ?? "No PDF of \(source) could be located")
        }
        guard let name else { return result }
        // Named after `name`: the located file is moved, keeping the folder's no-overwrite rule.
        let folder = (path as NSString).deletingLastPathComponent
        let stem = FileName.cleaned((name as NSString).deletingPathExtension)
        let target = FileName.free(stem, extension: ".pdf", in: folder) { !FileManager.default.fileExists(atPath: $0) }
        try FileManager.default.moveItem(atPath: path, toPath: target)
        var renamed = result
        renamed["downloaded"] = .string(target)
        return renamed
    }

    /// Each place the locator asks, tried on `sample`: whether it answered and what it found.
    public nonisolated func checkPDFSources(sample: String, only: String?) async throws -> [JSONValue] {
        let (found, problems) = await services.locator.candidates(try article(for: sample))
        return PDFLocator.order.filter { only == nil || $0 == only }.map { service in
            let urls = found.filter { $0.source == service }.map(\.url)
            let errors = problems.filter { $0.hasPrefix(service + ":") }
            let status = !errors.isEmpty ? "error" : urls.isEmpty ? "no PDF for the sample" : "ok"
            return [
                "source": .string(service), "status": .string(status), "pdf_urls": .array(urls.map { .string($0) }),
                "errors": .array(errors.map { .string($0) }),
            ]
        }
    }

    static func summary(_ article: DiscoveredArticle) -> JSONValue {
        [
            "title": .string(article.title), "doi": article.doi.map { .string($0) } ?? .null,
            "arxiv_id": article.arxivID.map { .string($0) } ?? .null,
            "pmcid": article.pmcid.map { .string($0) } ?? .null,
        ]
    }
}
