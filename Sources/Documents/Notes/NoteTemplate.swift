import Foundation
import JSON
import Mustache

/// The Obsidian note of a processed paper, rendered from a Mustache template the user can edit
/// (`templates/paper_note.md` in the workspace; the default below is written there on first
/// use). Values are plain text: `{{{name}}}` inserts one, `{{#name}}…{{/name}}` shows a block only
/// when the value is set, and `yaml.*` holds each front-matter value already quoted for YAML.
public struct NoteTemplate: Sendable {
    public let source: String
    private let template: MustacheTemplate

    public init(_ source: String) throws {
        self.source = source
        do {
            template = try MustacheTemplate(string: source)
        } catch {
            throw NoteTemplateError(message: "The note template does not parse: \(error)")
        }
    }

    /// The template at `path`, created from the default when missing.
    public static func load(path: String) throws -> NoteTemplate {
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(defaultSource.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        return try NoteTemplate(String(contentsOfFile: path, encoding: .utf8))
    }

    public func render(_ note: NoteContext) -> String {
        template.render(note.values)
    }

    public static let defaultSource = """
        ---
        title: {{{yaml.title}}}
        authors: {{{yaml.authors}}}
        year: {{{yaml.year}}}
        doi: {{{yaml.doi}}}
        journal: {{{yaml.journal}}}
        tags: {{{yaml.tags}}}
        source_pdf: {{{yaml.source_pdf}}}
        markdown: {{{yaml.markdown}}}
        processed: {{{yaml.processed}}}
        analysis: {{{analysis}}}
        ---

        # {{{title}}}

        {{#authors_text}}**Authors:** {{{authors_text}}}
        {{/authors_text}}{{#year}}**Year:** {{{year}}}
        {{/year}}{{#journal}}**Published in:** {{{journal}}}
        {{/journal}}{{#doi}}**DOI:** [{{{doi}}}](https://doi.org/{{{doi}}})
        {{/doi}}**PDF:** [[{{{source_pdf}}}]] · **Full text:** [[{{{markdown_link}}}]]

        {{#abstract}}## Abstract

        {{{abstract}}}

        {{/abstract}}{{#key_points}}## Key points

        {{{key_points}}}

        {{/key_points}}{{#summary}}## Summary

        {{{summary}}}

        {{/summary}}{{#sections}}## {{{heading}}}

        {{{text}}}

        {{/sections}}## About this note

        Analysis: {{{analysis}}}{{#model}} ({{{model}}}){{/model}}. {{#ocr_pages}}OCR ({{{ocr_engine}}}) on pages {{{ocr_pages}}}. {{/ocr_pages}}Where each field came from:
        {{#field_sources}}
        - {{{field}}}: {{{source}}}
        {{/field_sources}}

        """
}

public struct NoteTemplateError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
