import Foundation
import JSON

extension PaperPipeline {
    /// Brings the ledger, the citation graph and the index in step with notes edited, renamed or
    /// deleted outside Thoth (in Obsidian): a processed paper whose note is gone is looked for
    /// under another name (the one note with its title); found, the paper follows it and the
    /// notes citing it are relinked; not found, its note is forgotten (the paper can be processed
    /// again). Then the folders are indexed again: edits re-embedded, removed files dropped.
    public func syncNotes() async throws -> JSONObject {
        let notes = Self.notesByTitle(in: workspace.notes)
        let owned = Set(try ledger.entries().compactMap(\.notePath))
        var renamed: [JSONValue] = []
        var lost: [JSONValue] = []
        for var entry in try ledger.entries() where entry.status == .processed {
            guard let old = entry.notePath, !FileManager.default.fileExists(atPath: old) else { continue }
            let candidates = (notes[(entry.title ?? "").lowercased()] ?? []).filter { !owned.contains($0) }
            if candidates.count == 1, let new = candidates.first {
                entry.notePath = new
                try ledger.record(entry)
                await relink(try citations.renameNote(Self.noteName(old), to: Self.noteName(new)))
                renamed.append(["from": .string(old), "to": .string(new)])
            } else {
                entry.notePath = nil
                try ledger.record(entry)
                await relink(try citations.removeNote(Self.noteName(old)))
                lost.append(.string(old))
            }
        }
        let index = try await knowledge.index()
        return ["renamed": .array(renamed), "deleted": .array(lost), "index": index.json]
    }

    /// The notes in `folder` (recursively, hidden folders such as `.trash` skipped, as indexing
    /// skips them) by their front matter's title, lower-cased.
    static func notesByTitle(in folder: String) -> [String: [String]] {
        var found: [String: [String]] = [:]
        for relative in MarkdownFiles.relativePaths(in: folder) {
            let path = (folder as NSString).appendingPathComponent(relative)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let title = FrontMatter(text).string("title")
            else { continue }
            found[title.lowercased(), default: []].append(path)
        }
        return found
    }
}
