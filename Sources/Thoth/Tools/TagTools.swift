import Foundation
import JSON

/// The tag tools: suggest tags for notes, consolidate near-duplicates, keep the vocabulary, and
/// both at once. Notes and the index change together.
enum TagTools {
    static func all(_ library: TagLibrary, knowledge: KnowledgeBase) -> [Tool] {
        /// A note the caller names, kept inside the indexed folders (tools write to it).
        @Sendable func note(_ identifier: String) async throws -> String {
            let path = try await PipelineTools.notePath(identifier, knowledge: knowledge)
            guard knowledge.settings.folders.contains(where: { path.hasPrefix($0.path + "/") }) else {
                throw ToolError("\(identifier) is not a note in the knowledge base's folders")
            }
            return path
        }
        @Sendable func suggestionOutput(
            _ result: (suggestions: [String: [String]], judge: String, problem: String?), applied: Bool
        ) -> ToolOutput {
            let sorted = result.suggestions.sorted { $0.key < $1.key }
            var data: JSONObject = [
                "suggestions": .object(JSONObject(sorted.map { ($0.key, .array($0.value.map { .string($0) })) })),
                "judge": .string(result.judge), "applied": .bool(applied),
            ]
            if let problem = result.problem { data["problem"] = .string(problem) }
            let text =
                sorted.isEmpty
                ? "No notes to tag."
                : sorted.map {
                    "\(($0.key as NSString).lastPathComponent): "
                        + ($0.value.isEmpty ? "(none)" : $0.value.joined(separator: ", "))
                }.joined(separator: "\n")
            return ToolOutput(text: text, data: .object(data))
        }
        return [
            Tool(
                name: "suggest_tags",
                description: "Tags for a note (or for every untagged note, or every note with force_all), from the "
                    + "tag vocabulary: the chat model's choice, else the tags most similar to the note. With apply, "
                    + "the notes gain them.",
                parameters: [
                    .string("article_identifier", "The note: its title, file name or path (default: untagged notes)"),
                    .boolean("force_all", "Every note, tagged or not", default: false),
                    .boolean("apply", "Add the suggested tags to the notes", default: false),
                    .integer("max_tags", "Most tags per note", default: 3, range: 1...20),
                ]
            ) { arguments in
                let paths: [String]
                if let identifier = arguments.string("article_identifier") {
                    paths = [try await note(identifier)]
                } else {
                    let notes = library.notes()
                    paths = notes.keys.filter { arguments.flag("force_all") || notes[$0]!.isEmpty }.sorted()
                }
                let result = try await library.suggest(
                    for: paths, limit: arguments.integer("max_tags")!, apply: arguments.flag("apply"))
                return suggestionOutput(result, applied: arguments.flag("apply"))
            },
            Tool(
                name: "consolidate_tags",
                description: "Merge near-duplicate tags (case, plural, abbreviation, synonym) in every note: the "
                    + "chat model's grouping, else string rules and the embedding model. dry_run only reports.",
                parameters: [
                    .boolean("dry_run", "Report the groups without changing notes", default: false),
                    .number(
                        "similarity", "Embedding similarity at which two tags are one (offline)", default: 0.85,
                        range: 0.5...1),
                ]
            ) { arguments in
                let result = try await library.consolidate(
                    apply: !arguments.flag("dry_run"), similarity: arguments.number("similarity")!)
                let text =
                    result.groups.isEmpty
                    ? "No near-duplicate tags."
                    : result.groups.map { "\($0.dropFirst().joined(separator: ", ")) → \($0[0])" }.joined(
                        separator: "\n")
                        + "\n\(result.changed.count) note(s) changed."
                return ToolOutput(text: text, data: .object(result.json))
            },
            Tool(
                name: "manage_tag_vocabulary",
                description: "The tag vocabulary: list it (with how many notes carry each tag), add tags, rename "
                    + "or delete a tag in every note, or merge tags into one.",
                parameters: [
                    .string(
                        "action", "What to do", default: "list", choices: ["list", "add", "rename", "merge", "delete"]),
                    .string("tag", "The tag to rename or delete, or to add"),
                    .string("new_tag", "The new name (rename), or the tag to merge into (merge)"),
                    .strings("tags", "The tags to add or to merge"),
                ]
            ) { arguments in
                let tag = arguments.string("tag")
                let listed = arguments.strings("tags")
                switch arguments.string("action")! {
                case "add":
                    let tags = listed + (tag.map { [$0] } ?? [])
                    guard !tags.isEmpty else { throw ToolError("Give the tags to add as 'tag' or 'tags'") }
                    try library.vocabulary.add(tags)
                    return ToolOutput(
                        text: "Added \(tags.joined(separator: ", "))", data: ["added": .array(tags.map { .string($0) })]
                    )
                case "rename", "merge", "delete":
                    let action = arguments.string("action")!
                    let from = Set(action == "merge" ? listed : tag.map { [$0] } ?? [])
                    let target = action == "delete" ? nil : arguments.string("new_tag")
                    guard !from.isEmpty, action == "delete" || target != nil else {
                        throw ToolError(
                            action == "merge"
                                ? "merge needs 'tags' and 'new_tag'"
                                : "\(action) needs 'tag'" + (action == "rename" ? " and 'new_tag'" : ""))
                    }
                    let changed = try await library.rename(from, to: target)
                    return ToolOutput(
                        text: "\(action.capitalized)d \(from.sorted().joined(separator: ", "))"
                            + (target.map { " → \($0)" } ?? "") + " in \(changed.count) note(s)",
                        data: ["notes_changed": .array(changed.map { .string($0) })])
                default:
                    let uses = try library.uses()
                    return ToolOutput(
                        text: uses.isEmpty
                            ? "No tags yet." : uses.map { "\($0.tag) (\($0.notes))" }.joined(separator: "\n"),
                        data: [
                            "tags": .array(uses.map { ["tag": .string($0.tag), "notes": .int(Int64($0.notes))] }),
                            "aliases": .object(
                                JSONObject(
                                    try library.vocabulary.aliases().sorted { $0.key < $1.key }.map {
                                        ($0.key, .string($0.value))
                                    })),
                        ])
                }
            },
            Tool(
                name: "consolidate_and_retag",
                description: "Consolidate near-duplicate tags in every note, then tag the notes that have none.",
                parameters: [.integer("max_tags", "Most tags per untagged note", default: 3, range: 1...20)]
            ) { arguments in
                let consolidation = try await library.consolidate(apply: true)
                let untagged = library.notes().filter { $0.value.isEmpty }.keys.sorted()
                let suggested = try await library.suggest(
                    for: untagged, limit: arguments.integer("max_tags")!, apply: true)
                var data = consolidation.json
                data["retagged"] = suggestionOutput(suggested, applied: true).data
                return ToolOutput(
                    text:
                        "Merged \(consolidation.groups.count) group(s) of tags; tagged \(suggested.suggestions.values.filter { !$0.isEmpty }.count) "
                        + "of \(untagged.count) untagged note(s).",
                    data: .object(data))
            },
        ]
    }
}
