import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/library/…`: files added to the knowledge base from the console (a markdown note is
    /// indexed, a PDF goes through the pipeline; both as operations whose progress reaches
    /// `/ws/progress`), and a processed paper's PDF.
    func addLibraryRoutes(to router: RouterGroup<BasicRequestContext>) {
        let configuration = services.configuration
        let operations = services.operations
        let knowledge = services.knowledge
        let pipeline = services.pipeline
        router.post("/library/files") { request, _ in
            let body = try await JSONMessages.object(request)
            let filename = try body.requiredString("filename")
            guard let data = Data(base64Encoded: try body.requiredString("content_base64")) else {
                throw APIError(.badRequest, "Field 'content_base64' must be base64")
            }
            let (path, kind) = try LibraryUpload.save(
                data, named: filename, workspace: configuration.workspace, maxPDFBytes: configuration.pdfMaxBytes)
            let name = (path as NSString).lastPathComponent
            let id: String
            switch kind {
            case .note:
                id = try operations.start(id: nil, message: "Indexing \(name)") { _ in
                    try await knowledge.index(files: [path]).json
                }
            case .pdf:
                id = try operations.start(id: nil, message: "Processing \(name)") { report in
                    let outcome = await pipeline.process(path) { report(Int($0 * 100), $1) }
                    if outcome.status == .failed { throw ThothError(.invalidRequest, outcome.message) }
                    return outcome.json
                }
            }
            return JSONMessages.response([
                "operation_id": .string(id), "path": .string(path), "kind": .string(kind.rawValue),
            ])
        }
        router.get("/library/pdf") { request, _ in
            guard let asked = request.query("path") else {
                throw APIError(.badRequest, "Query parameter 'path' is required")
            }
            let path: String
            do {
                path = try PipelineTools.resolve(asked, workspace: configuration.workspace)
            } catch let error as ToolError {
                throw APIError(.notFound, error.message)
            }
            guard path.lowercased().hasSuffix(".pdf"), let data = FileManager.default.contents(atPath: path) else {
                throw APIError(.notFound, "\(asked) is not a PDF in the workspace")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pdf", .xContentTypeOptions: "nosniff",
                    .contentDisposition: "inline; filename=\"\(Self.quotable((path as NSString).lastPathComponent))\"",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// A file name inside a quoted header value.
    static func quotable(_ name: String) -> String {
        String(name.map { $0 == "\"" || $0 == "\\" || !$0.isASCII ? "_" : $0 })
    }
}
