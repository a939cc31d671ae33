import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// Background operations with progress: started here, polled at `/operations/{id}/status`,
    /// pushed to `/ws/progress`.
    func addOperationRoutes(to router: RouterGroup<BasicRequestContext>) {
        let operations = services.operations
        let knowledge = services.knowledge
        let pipeline = services.pipeline
        let discovery = services.discovery
        let workspace = services.configuration.workspace
        router.get("/operations") { _, _ in
            JSONMessages.response([
                "operations": .array(
                    operations.all().map { id, status in
                        guard case .object(var entry) = status.json else { return status.json }
                        entry["operation_id"] = .string(id)
                        return .object(entry)
                    })
            ])
        }
        router.post("/operations/stream/operation") { request, _ in
            let body = try await JSONMessages.object(request)
            let type = try body.requiredString("operation_type")
            let parameters = try body.object("parameters") ?? [:]
            let id: String
            switch type {
            case "rag_index":
                let force = parameters["force"] == .bool(true)
                id = try operations.start(id: body["operation_id"]?.stringValue, message: "Indexing the knowledge base")
                {
                    report in
                    try await knowledge.index(force: force) { step in
                        report(Int(step.fraction * 100), step.summary)
                    }.json
                }
            case "pdf_process":
                let file = try Self.pdfPath(
                    parameters["pdf_path"] ?? parameters["file_path"] ?? parameters["path"], workspace)
                let force = parameters["force"] == .bool(true)
                id = try operations.start(id: body["operation_id"]?.stringValue, message: "Processing \(file)") {
                    report in
                    let outcome = await pipeline.process(file, force: force) { report(Int($0 * 100), $1) }
                    if outcome.status == .failed { throw ThothError(.invalidRequest, outcome.message) }
                    return outcome.json
                }
            case "batch_process":
                let files = try Self.batchFiles(parameters, workspace)
                let force = parameters["force"] == .bool(true)
                id = try operations.start(
                    id: body["operation_id"]?.stringValue, message: "Processing \(files.count) PDF(s)"
                ) { report in
                    try await Self.processAll(files, force: force, pipeline: pipeline, report: report)
                }
            case "discovery_run":
                guard let name = (parameters["source_name"] ?? parameters["source"])?.stringValue else {
                    throw APIError(.badRequest, "Give the source to run as 'source_name'")
                }
                _ = try discovery.sources.source(name)
                id = try operations.start(id: body["operation_id"]?.stringValue, message: "Discovery: \(name)") {
                    report in .object(try await discovery.run(name, report: report))
                }
            default:
                throw APIError(
                    .badRequest,
                    "Unknown operation_type '\(type)': use rag_index, pdf_process, batch_process or discovery_run")
            }
            return JSONMessages.response([
                "operation_id": .string(id), "status": "started", "message": .string("Operation \(type) started"),
            ])
        }
        router.post("/operations/batch/process") { request, _ in
            let body = try await JSONMessages.object(request)
            let type = body["operation_type"]?.stringValue ?? "pdf"
            guard type == "pdf" else {
                throw APIError(.badRequest, "operation_type '\(type)' is not available: use pdf")
            }
            guard case .array(let items)? = body["items"], !items.isEmpty else {
                throw APIError(.badRequest, "Field 'items' must be a non-empty list of {path}")
            }
            let files = try items.map { try Self.pdfPath($0.objectValue?["path"], workspace) }
            let batchSize = body["batch_size"]?.intValue ?? 5
            let id = try operations.start(id: nil, message: "Processing \(files.count) PDF(s)") { report in
                try await Self.processAll(files, force: false, pipeline: pipeline, report: report)
            }
            return JSONMessages.response([
                "operation_id": .string(id), "status": "started",
                "message": .string("Processing \(files.count) PDF(s)"), "batch_size": .int(batchSize),
            ])
        }
        router.get("/operations/:id/status") { _, context in
            let id = try context.parameters.require("id")
            guard let status = operations.status(id) else { throw APIError(.notFound, "Operation \(id) not found") }
            return JSONMessages.response(status.json)
        }
    }

    /// A PDF path from a request, relative to the PDF folder, kept inside the workspace.
    static func pdfPath(_ value: JSONValue?, _ workspace: Workspace) throws -> String {
        guard let path = value?.stringValue, !path.isEmpty else {
            throw APIError(.badRequest, "Give the PDF as 'pdf_path' (relative to the PDF folder)")
        }
        do {
            return try PipelineTools.resolve(path, workspace: workspace)
        } catch let error as ToolError {
            throw APIError(.badRequest, error.message)
        }
    }

    /// The files of a batch: `files` (a list), else the PDFs of `directory` (default: the PDF folder).
    static func batchFiles(_ parameters: JSONObject, _ workspace: Workspace) throws -> [String] {
        if case .array(let files)? = parameters["files"] { return try files.map { try pdfPath($0, workspace) } }
        let folder = try parameters["directory"].map { try pdfPath($0, workspace) } ?? workspace.pdfs
        let limit = parameters["max_files"]?.intValue.map { Int(clamping: $0) } ?? Int.max
        return Array(PipelineTools.pdfs(in: folder).prefix(max(0, limit)))
    }

    static func processAll(
        _ files: [String], force: Bool, pipeline: PaperPipeline, report: @escaping OperationRegistry.Report
    ) async throws -> JSONValue {
        var outcomes: [PaperPipeline.Outcome] = []
        for (index, file) in files.enumerated() {
            outcomes.append(
                await pipeline.process(file, force: force) { fraction, step in
                    report(
                        Int(100 * (Double(index) + fraction) / Double(files.count)),
                        "\((file as NSString).lastPathComponent): \(step)")
                })
        }
        return PipelineTools.batchOutput(outcomes).data
    }
}
