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

    /// The notes in `folder` (recursively) by their front matter's title, lower-cased.
    static func notesByTitle(in folder: String) -> [String: [String]] {
        var found: [String: [String]] = [:]
        let root = URL(fileURLWithPath: folder)
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension.lowercased() == "md", let text = try? String(contentsOf: url, encoding: .utf8),
                let title = FrontMatter(text).string("title")
            else { continue }
            found[title.lowercased(), default: []].append(url.path)
        }
        return found
    }
}
