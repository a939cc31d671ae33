import Citations
import Foundation
import JSON

/// The citation tools: a paper's references and the papers in the knowledge base citing it.
enum CitationTools {
    static func all(_ pipeline: PaperPipeline, knowledge: KnowledgeBase) -> [Tool] {
        let graph = pipeline.citations
        return [
            Tool(
                name: "extract_citations",
                description: "A processed paper's reference list (each entry linked to the note of the cited "
                    + "paper when it is in the knowledge base) and the papers in the knowledge base that cite it.",
                parameters: [
                    .string("article_identifier", "The paper: its title, DOI or note", required: true),
                    .boolean("include_outbound", "List the papers it cites", default: true),
                    .boolean("include_inbound", "List the papers citing it", default: true),
                ]
            ) { arguments in
                let path = try await PipelineTools.notePath(
                    arguments.string("article_identifier")!, knowledge: knowledge)
                let note = PaperPipeline.noteName(path)
                var data: JSONObject = ["note": .string(note)]
                var lines: [String] = []
                if arguments.flag("include_outbound") {
                    let entries = try graph.entries(ofNote: note)
                    data["references"] = .array(
                        entries.map { ["raw": .string($0.raw), "note": $0.note.map { .string($0) } ?? .null] })
                    lines.append("References (\(entries.count)):")
                    lines += entries.enumerated().map { "\($0 + 1). \($1.raw)" + ($1.note.map { " → \($0)" } ?? "") }
                }
                if arguments.flag("include_inbound") {
                    let citers = try graph.citers(ofNote: note)
                    data["cited_by"] = .array(citers.map { .string($0) })
                    lines.append("Cited by (\(citers.count)):" + (citers.isEmpty ? " none in the knowledge base" : ""))
                    lines += citers.map { "- \($0)" }
                }
                return ToolOutput(text: lines.joined(separator: "\n"), data: .object(data))
            }
        ]
    }
}
