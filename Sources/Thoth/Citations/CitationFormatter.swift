import Citations
import Documents
import Foundation
import JSON

/// Formats references in a CSL style with a real CSL processor: pandoc's citeproc, run as a
/// child process on the references' CSL-JSON. It sorts, numbers and disambiguates ("2020a")
/// as the style says, with the locale pandoc carries.
public struct CitationFormatter: Sendable {
    public enum Output: String, CaseIterable, Sendable {
        /// Plain text, one line per entry.
        case text
        /// CommonMark (titles in *italics*, DOIs as links), for notes.
        case markdown
    }

    public let styles: CitationStyles
    /// The style used when none is named (`CITATION_STYLE`).
    public let defaultStyle: String
    /// pandoc's path; nil when it is not installed.
    public let pandoc: String?
    let limits = ChildProcess.Limits(wallSeconds: 120, memoryBytes: 4 << 30, maxOutputBytes: 64 << 20)

    public init(styles: CitationStyles, defaultStyle: String = "ieee", pandoc: String? = ChildProcess.locate("pandoc"))
    {
        self.styles = styles
        self.defaultStyle = defaultStyle
        self.pandoc = pandoc
    }

    /// The formatter the configuration sets up: the user's style folder, then Debian's.
    public init(_ configuration: ThothConfiguration) {
        self.init(
            styles: CitationStyles(folders: [configuration.workspace.styles, CitationStyles.debianFolder]),
            defaultStyle: configuration.citationStyle)
    }

    /// The formatter as `/health` reports it.
    public var status: JSONObject {
        guard let pandoc else {
            return ["formatting": "not available: pandoc is not installed (apt-get install pandoc)"]
        }
        return ["formatting": .string("CSL with pandoc citeproc (\(pandoc))"), "styles": .int(Int64(styles.count))]
    }

    /// The bibliography of `references` in `style` (a name `CitationStyles` finds), its entries in
    /// the style's order.
    public func format(_ references: [Reference], style: String? = nil, output: Output = .text) async throws
        -> [String]
    {
        let style = style ?? defaultStyle
        guard let pandoc else {
            throw ThothError(.unavailable, "formatting citations needs pandoc (apt-get install pandoc)")
        }
        guard let file = styles.file(named: style) else {
            throw ThothError(
                .invalidRequest,
                "no citation style named '\(style)' (looked in \(styles.folders.joined(separator: ", ")); "
                    + "short names: \(CitationStyles.aliases.keys.sorted().joined(separator: ", ")))")
        }
        guard !references.isEmpty else { return [] }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("thoth-csl-\(UUID().uuidString).json")
        try Data(JSONWriter.string(CSLJSON.export(references)).utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let writer = output == .text ? "plain" : "commonmark-raw_html"
        let run = try await ChildProcess(
            pandoc, ["-f", "csljson", "-t", writer, "--citeproc", "--csl", file, "--wrap=none", input.path],
            limits: limits
        ).run()
        guard run.succeeded else {
            let reason = run.timedOut ? "took too long" : run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ThothError(.invalidRequest, "pandoc could not format with style '\(style)': \(reason)")
        }
        // Each entry is one paragraph (no wrapping); paragraphs are separated by a blank line.
        return String(decoding: run.stdout, as: UTF8.self).components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
