import ArgumentParser
import Citations
import Foundation
import JSON
import Thoth

/// `thoth citations extract|format|export|graph`: the reference list of a paper (a PDF, a note,
/// a plain list of references, or CSL-JSON) read into fields, formatted in a CSL style or exported;
/// the citation graph.
struct CitationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citations", abstract: "Reference lists: read them into fields; who cites whom.",
        subcommands: [Extract.self, Format.self, Export.self, Graph.self])

    /// The references of a PDF, a note, a plain list or a CSL-JSON file, completed from CrossRef
    /// when asked.
    static func references(in file: String, enrich: Bool, refine: Bool = false) async throws -> [Reference] {
        var references: [Reference]
        if file.lowercased().hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: file), let value = try? JSONReader.parse(data) else {
                throw ValidationError("Cannot read \(file) as JSON (CSL-JSON items, or references' fields)")
            }
            references = Bibliography.references(given: value.arrayValue ?? [value])
        } else if file.lowercased().hasSuffix(".pdf") {
            let text = try await PaperPipeline.extractor(try ThothConfiguration.load(), ocr: false).extract(file)
            references = ReferenceList.references(in: text.markdown)
        } else {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("Cannot read \(file) as UTF-8 text")
            }
            references = ReferenceList.references(in: text)
        }
        guard enrich || refine else { return references }
        let services = try RAGCommand.open()
        defer { try? services.close() }
        if refine {
            guard let model = services.models.model(for: .citations) else {
                throw ValidationError("--refine needs a chat model (THOTH_LLM_BASE_URL or an API key)")
            }
            let (refined, problems) = await ReferenceRefiner(model: model).refine(references)
            references = refined
            for problem in problems { FileHandle.standardError.write(Data((problem + "\n").utf8)) }
        }
        guard enrich else { return references }
        let configuration = services.configuration
        let lookups = services.discovery.services.lookups(
            cache: services.pipeline.citations, openCitations: configuration.citationUseOpenCitations,
            semanticScholar: configuration.citationUseSemanticScholar)
        let (enriched, problems) = await ReferenceEnricher(lookups: lookups).enrich(references)
        for problem in problems { FileHandle.standardError.write(Data((problem + "\n").utf8)) }
        return enriched
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the references of FILE as BibTeX, RIS, EndNote (refer) or CSL-JSON.")
        @Argument(help: "The file (a PDF, a markdown note or a text list of references).") var file: String
        @Option(help: "bibtex, ris, endnote, csl-json or csv.") var format = "bibtex"
        @Flag(help: "Complete the entries from CrossRef first.") var enrich = false

        func run() async throws {
            guard ["bibtex", "ris", "endnote", "csl-json", "csv"].contains(format) else {
                throw ValidationError("--format is bibtex, ris, endnote, csl-json or csv")
            }
            let references = try await CitationsCommand.references(in: file, enrich: enrich)
            print(Bibliography.text(references, format: format == "csl-json" ? "json" : format), terminator: "")
        }
    }

    struct Format: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the references of FILE in a citation style (CSL, with pandoc's citeproc).")
        @Argument(help: "The file (CSL-JSON, a PDF, a markdown note or a text list of references).") var file: String
        @Option(help: "ieee, apa, mla, chicago, harvard, or any CSL style's name (default: CITATION_STYLE).")
        var style: String?
        @Flag(help: "Markdown (italics, links) instead of plain text.") var markdown = false
        @Flag(help: "Complete the entries from CrossRef first.") var enrich = false

        func run() async throws {
            let formatter = CitationFormatter(try ThothConfiguration.load())
            let references = try await CitationsCommand.references(in: file, enrich: enrich)
            for entry in try await formatter.format(references, style: style, output: markdown ? .markdown : .text) {
                print(entry)
            }
        }
    }

    struct Graph: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The citation graph's size, or one note's references and the notes citing it.")
        @Argument(help: "A note's name (its file name without .md).") var note: String?

        func run() async throws {
            let services = try RAGCommand.open()
            defer { try? services.close() }
            let graph = services.pipeline.citations
            print(JSONWriter.string(.object(try note.map { try graph.report(ofNote: $0) } ?? graph.counts())))
        }
    }

    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the references of FILE (a PDF, a markdown note or a text list of references).")
        @Argument(help: "The file.") var file: String
        @Flag(help: "Print JSON (authors, title, year, venue, doi, raw, …) instead of one line per entry.")
        var json = false
        @Flag(help: "Complete the entries from CrossRef (by DOI, else by title and authors; answers are cached).")
        var enrich = false
        @Flag(help: "Have the chat model read the entries the parser is unsure of (its answers are checked).")
        var refine = false

        func run() async throws {
            let references = try await CitationsCommand.references(in: file, enrich: enrich, refine: refine)
            if json {
                print(JSONWriter.string(.array(references.map { .object($0.json) })))
            } else {
                for reference in references {
                    let authors = reference.authors.prefix(3).joined(separator: "; ")
                    print(
                        "\(authors) (\(reference.year.map(String.init) ?? "n.d.")) \(reference.title ?? "?")"
                            + (reference.doi.map { " doi:\($0)" } ?? ""))
                }
            }
        }

    }
}
