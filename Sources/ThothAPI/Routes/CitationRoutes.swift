import Citations
import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/citations/extract` (a reference list, or a paper's text, read into fields),
    /// `/citations/graph` (its size, or with `?note=` one note's references and citers),
    /// `/citations/export` (the knowledge base's papers as BibTeX, RIS, EndNote, CSL-JSON or CSV) and
    /// `/citations/format` (references, or the knowledge base's papers, in a CSL style).
    func addCitationRoutes(to router: RouterGroup<BasicRequestContext>) {
        let pipeline = services.pipeline
        let knowledge = services.knowledge
        let formatter = services.formatter
        router.post("/citations/extract") { request, _ in
            let body = try await JSONMessages.object(request)
            let text = try body.requiredString("text")
            let references = ReferenceList.references(in: text)
            return JSONMessages.response([
                "count": .int(Int64(references.count)), "references": .array(references.map { .object($0.json) }),
            ])
        }
        router.get("/citations/graph") { request, _ in
            let graph = pipeline.citations
            let report = try request.query("note").map { try graph.report(ofNote: $0) } ?? graph.counts()
            return JSONMessages.response(.object(report))
        }
        router.post("/citations/export") { request, _ in
            let body = try await JSONMessages.object(request)
            let format = body["format"]?.stringValue ?? "bibtex"
            guard Bibliography.formats.contains(format) else {
                throw APIError(.badRequest, "'format' is one of \(Bibliography.formats.joined(separator: ", "))")
            }
            let references = try await Bibliography.references(
                knowledge, matching: body["search_query"]?.stringValue,
                limit: Int(min(10_000, max(1, body["max_results"]?.intValue ?? 100))),
                notePath: pipeline.notePath(forSource:))
            return JSONMessages.response([
                "format": .string(format), "count": .int(Int64(references.count)),
                "content": .string(Bibliography.text(references, format: format)),
            ])
        }

        router.post("/citations/format") { request, _ in
            let body = try await JSONMessages.object(request)
            let output = body["output"]?.stringValue ?? "text"
            guard let format = CitationFormatter.Output(rawValue: output) else {
                throw APIError(.badRequest, "'output' is text or markdown")
            }
            if let articles = body["articles"], articles.arrayValue == nil {
                throw APIError(.badRequest, "'articles' is a list of references (strings or objects)")
            }
            let references = try await Bibliography.references(
                given: body["articles"]?.arrayValue, orFrom: knowledge, matching: body["search_query"]?.stringValue,
                limit: Int(min(10_000, max(1, body["max_results"]?.intValue ?? 10))),
                notePath: pipeline.notePath(forSource:))
            let style = body["style"]?.stringValue ?? formatter.defaultStyle
            let entries = try await formatter.format(references, style: style, output: format)
            return JSONMessages.response([
                "style": .string(style), "output": .string(output), "count": .int(Int64(entries.count)),
                "entries": .array(entries.map { .string($0) }),
            ])
        }
    }
}
