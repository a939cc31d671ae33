import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/download-pdf?url=` (a PDF fetched into the PDF folder, where the watcher picks it up)
    /// and `/view-markdown?path=` (a note or full text, relative to the notes folder; only
    /// markdown inside the notes and markdown folders is served).
    func addPaperRoutes(to router: RouterGroup<BasicRequestContext>) {
        let workspace = services.configuration.workspace
        let downloader = PDFDownloader(folder: workspace.pdfs, maxBytes: services.configuration.pdfMaxBytes)
        router.get("/download-pdf") { request, _ in
            guard let url = request.query("url") else {
                throw APIError(.badRequest, "Query parameter 'url' is required")
            }
            let (path, metadata) = try await downloader.download(url)
            return JSONMessages.response([
                "status": "success", "message": .string("Downloaded to \(path)"), "file_path": .string(path),
                "metadata": .object(metadata), "base_url": .string(url),
            ])
        }
        router.get("/view-markdown") { request, _ in
            guard let asked = request.query("path") else {
                throw APIError(.badRequest, "Query parameter 'path' is required")
            }
            let absolute = asked.hasPrefix("/") ? asked : (workspace.notes as NSString).appendingPathComponent(asked)
            let path = URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
            let allowed = [workspace.notes, workspace.markdown].map {
                URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path + "/"
            }
            guard path.lowercased().hasSuffix(".md"), allowed.contains(where: { path.hasPrefix($0) }) else {
                throw APIError(.forbidden, "Only markdown files in the notes and markdown folders can be viewed")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw APIError(.notFound, "No such file: \(asked)")
            }
            return JSONMessages.response([
                "status": "success", "content": .string(String(decoding: data, as: UTF8.self)), "path": .string(path),
                "size": .int(Int64(data.count)),
            ])
        }
    }
}
