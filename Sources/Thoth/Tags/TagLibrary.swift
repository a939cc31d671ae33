import Discovery
import Foundation
import JSON
import LLM

/// The tags of the notes in the indexed folders (their front matter's `tags`), and what is done
/// with them: listed, renamed, merged, deleted, consolidated and suggested. A note changed is
/// written whole (atomically) and indexed again, so notes and the index's metadata move together.
public struct TagLibrary: Sendable {
    public typealias Embed = @Sendable ([String]) async throws -> [[Float]]
    public let vocabulary: TagVocabulary
    let knowledge: KnowledgeBase
    let embed: Embed?
    let chatModel: @Sendable () -> (any ChatModel)?

    public init(
        vocabulary: TagVocabulary, knowledge: KnowledgeBase, embed: Embed?,
        chatModel: @escaping @Sendable () -> (any ChatModel)?
    ) {
        self.vocabulary = vocabulary
        self.knowledge = knowledge
        self.embed = embed
        self.chatModel = chatModel
    }

    /// Every note in the indexed folders and its tags (none without a front matter), by path.
    public func notes() -> [String: [String]] {
        var notes: [String: [String]] = [:]
        for (folder, _) in knowledge.settings.folders {
            for relative in MarkdownFiles.relativePaths(in: folder) {
                let path = (folder as NSString).appendingPathComponent(relative)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                notes[path] = Self.tags(of: FrontMatter(text))
            }
        }
        return notes
    }

    static func tags(of frontMatter: FrontMatter) -> [String] {
        let values: [String] =
            switch frontMatter.values["tags"] {
            case .array(let items)?: items.compactMap(\.stringValue)
            case .string(let text)?: text.components(separatedBy: ",")
            default: []
            }
        return values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Each tag in use (in `notes`, all of them by default) or in the vocabulary, with how many
    /// notes carry it, most used first.
    public func uses(in notes: [String: [String]]? = nil) throws -> [(tag: String, notes: Int)] {
        var counts: [String: Int] = [:]
        for tag in try vocabulary.tags() { counts[tag] = 0 }
        for tags in (notes ?? self.notes()).values {
            for tag in Set(tags) { counts[tag, default: 0] += 1 }
        }
        return counts.map { ($0.key, $0.value) }.sorted { ($1.notes, $0.tag) < ($0.notes, $1.tag) }
    }

    /// Every note carrying one of `variants` carries `tag` instead (nothing, when `tag` is nil);
    /// returns the notes changed.
    @discardableResult
    public func rename(_ variants: Set<String>, to tag: String?) async throws -> [String] {
        try await replace(Dictionary(uniqueKeysWithValues: variants.map { ($0, tag) }))
    }

    /// Every note carrying a tag `replacements` names carries its replacement (none, for nil),
    /// in one pass over the notes and one indexing of those changed; the vocabulary follows.
    private func replace(_ replacements: [String: String?]) async throws -> [String] {
        var changed: [String] = []
        for (path, tags) in notes() where tags.contains(where: { replacements[$0] != nil }) {
            var seen = Set<String>()
            let updated = tags.compactMap { replacements[$0] ?? $0 }.filter { seen.insert($0).inserted }
            try write(updated, to: path)
            changed.append(path)
        }
        if !changed.isEmpty { _ = try await knowledge.index(files: changed) }
        for (kept, variants) in Dictionary(grouping: replacements.keys, by: { replacements[$0]! }) {
            if let kept { try vocabulary.retire(variants, for: kept) } else { try variants.forEach(vocabulary.remove) }
        }
        return changed.sorted()
    }

    private func write(_ tags: [String], to path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let updated = FrontMatter.replacing(["tags": .array(tags.map { .string($0) })], in: text)
        try Data(updated.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// What consolidation found (and did, when applied).
    public struct Consolidation: Sendable {
        /// Each group's first tag is kept; the others become it.
        public var groups: [[String]]
        /// `llm`, or `offline` (string rules and the embedding model).
        public var judge: String
        public var changed: [String] = []
        public var problem: String?

        public var json: JSONObject {
            var object: JSONObject = [
                "groups": .array(
                    groups.map { ["keep": .string($0[0]), "merge": .array($0.dropFirst().map { .string($0) })] }),
                "judge": .string(judge), "notes_changed": .array(changed.map { .string($0) }),
            ]
            if let problem { object["problem"] = .string(problem) }
            return object
        }
    }

    /// Near-duplicate tags grouped — by the chat model when one is set (offline when it fails, and
    /// said so), else by `TagNames` with pairs the embedding model finds at least `similarity`
    /// alike — and, when `apply`, merged in every note.
    public func consolidate(apply: Bool, similarity: Double = 0.85) async throws -> Consolidation {
        let uses = Dictionary(try uses().filter { $0.notes > 0 }.map { ($0.tag, $0.notes) }, uniquingKeysWith: +)
        var result: Consolidation
        if let model = chatModel(), uses.count > 1 {
            do {
                result = Consolidation(groups: try await Self.groups(by: model, uses), judge: "llm")
            } catch {
                result = try await offlineGroups(uses, similarity: similarity)
                result.problem = "the chat model failed (\(error)); grouped offline instead"
            }
        } else {
            result = try await offlineGroups(uses, similarity: similarity)
        }
        if apply {
            result.changed = try await replace(
                Dictionary(
                    uniqueKeysWithValues: result.groups.flatMap { group in group.dropFirst().map { ($0, group[0]) } }))
        }
        return result
    }

    private func offlineGroups(_ uses: [String: Int], similarity: Double) async throws -> Consolidation {
        var pairs: [(String, String)] = []
        let tags = uses.keys.sorted()
        if let embed, tags.count > 1 {
            let vectors = try await embed(tags)
            for i in tags.indices {
                for j in tags.indices where j > i && OfflineRelevance.cosine(vectors[i], vectors[j]) >= similarity {
                    pairs.append((tags[i], tags[j]))
                }
            }
        }
        return Consolidation(groups: TagNames.groups(uses, similar: pairs), judge: "offline")
    }

    /// The chat model's groups, checked: only tags in use, each in one group at most.
    static func groups(by model: any ChatModel, _ uses: [String: Int]) async throws -> [[String]] {
        let listing = uses.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: "\n")
        let answer = try await model.complete(
            [
                ChatMessage(
                    .system,
                    """
                    You tidy the tags of a research knowledge base. Group tags that mean the same thing \
                    (spelling, case, plural, abbreviation, synonym); leave out tags without a duplicate. \
                    Answer with only a JSON object: {"groups": [{"keep": "the tag to keep", "merge": \
                    ["the other tags of the group"]}]}.
                    """),
                ChatMessage(.user, "Tags, with how many notes carry each:\n" + listing),
            ], tools: [])
        guard let groups = answer.jsonObject?["groups"]?.arrayValue else {
            throw LLMError("The model's answer was not the JSON asked for: \(answer.content.prefix(200))")
        }
        var used = Set<String>()
        return groups.compactMap(\.objectValue).compactMap { group in
            guard let keep = group["keep"]?.stringValue?.trimmingCharacters(in: .whitespaces), !keep.isEmpty,
                keep.count <= 80
            else { return nil }
            let merge = (group["merge"]?.arrayValue ?? []).compactMap(\.stringValue).filter {
                uses[$0] != nil && $0 != keep
            }
            let members = [keep] + merge
            guard !merge.isEmpty, members.allSatisfy({ !used.contains($0) }) else { return nil }
            used.formUnion(members)
            return members
        }
    }

    /// Up to `limit` tags for each note, from the vocabulary and the tags in use: the chat model's
    /// choice when one is set (offline when it fails), else the tags most similar to the note's
    /// text, a tag the text names counting for more. When `apply`, the notes gain them.
    public func suggest(for paths: [String], limit: Int = 3, apply: Bool) async throws -> (
        suggestions: [String: [String]], judge: String, problem: String?
    ) {
        let notes = notes()
        let known = Array(Set(try uses(in: notes).map(\.tag))).sorted()
        var suggestions: [String: [String]] = [:]
        var judge = "offline"
        var problem: String?
        var texts: [String: String] = [:]
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ThothError(.notFound, "\(path) cannot be read")
            }
            texts[path] = String(FrontMatter(text).body.prefix(3000))
        }
        if let model = chatModel(), !paths.isEmpty {
            do {
                for path in paths {
                    suggestions[path] = try await Self.tags(by: model, for: texts[path]!, known: known, limit: limit)
                        .filter { !(notes[path] ?? []).contains($0) }
                }
                judge = "llm"
            } catch {
                suggestions = [:]
                problem = "the chat model failed (\(error)); suggested offline instead"
            }
        }
        if judge == "offline", !paths.isEmpty, !known.isEmpty {
            guard let embed else {
                throw ThothError(.unavailable, "Suggesting tags needs the embedding model, which is not available")
            }
            let vectors = try await embed(paths.map { texts[$0]! } + known)
            let tagVectors = vectors.suffix(known.count)
            for (index, path) in paths.enumerated() {
                let lower = TagNames.key(texts[path]!)
                let has = Set((notes[path] ?? []).map(TagNames.key))
                let scored = zip(known, tagVectors).compactMap { tag, vector -> (String, Double)? in
                    let key = TagNames.key(tag)
                    guard !has.contains(key) else { return nil }
                    let named = !key.isEmpty && " \(lower) ".contains(" \(key) ")
                    let score = OfflineRelevance.cosine(vectors[index], vector) + (named ? 0.3 : 0)
                    return score >= 0.35 ? (tag, score) : nil
                }
                suggestions[path] = scored.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
            }
        }
        if apply {
            var changed: [String] = []
            for (path, tags) in suggestions where !tags.isEmpty {
                try write((notes[path] ?? []) + tags, to: path)
                changed.append(path)
            }
            if !changed.isEmpty { _ = try await knowledge.index(files: changed) }
        }
        return (suggestions, judge, problem)
    }

    static func tags(by model: any ChatModel, for text: String, known: [String], limit: Int) async throws -> [String] {
        let answer = try await model.complete(
            [
                ChatMessage(
                    .system,
                    """
                    You tag notes of a research knowledge base. Choose up to \(limit) tags for the note, from \
                    the vocabulary when one fits, a new short tag otherwise. Answer with only a JSON object: \
                    {"tags": ["tag", …]}.
                    """),
                ChatMessage(.user, "Vocabulary: \(known.joined(separator: ", "))\n\nNote:\n\(text)"),
            ], tools: [])
        guard let tags = answer.jsonObject?["tags"]?.arrayValue else {
            throw LLMError("The model's answer was not the JSON asked for: \(answer.content.prefix(200))")
        }
        return Array(
            tags.compactMap { $0.stringValue?.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0.count <= 60 }.prefix(limit))
    }
}
