import Foundation
import JSON

/// The agent's memory as tools: remember, list (or recall by similarity), change and forget.
enum MemoryTools {
    static func all(_ memory: AgentMemory) -> [Tool] {
        let user = ToolParameter.string("user", "Whose memory", default: "default")
        return [
            Tool(
                name: "remember",
                description: "Remember something for later conversations: what the user asked to keep, or a lasting "
                    + "fact about their work (kind derived).",
                parameters: [
                    .string("text", "What to remember, in a sentence", required: true),
                    .string("kind", "told (the user asked) or derived", default: "told", choices: ["told", "derived"]),
                    user,
                ]
            ) { arguments in
                let kept = try await memory.remember(
                    arguments.string("text")!, user: arguments.string("user")!, kind: arguments.string("kind")!)
                return ToolOutput(text: "Remembered [\(kept.id)]: \(kept.text)", data: kept.json)
            },
            Tool(
                name: "list_memories",
                description: "What is remembered, newest first; with query, the memories closest to it.",
                parameters: [
                    .string("query", "Only memories about this"),
                    .integer("limit", "Most memories", default: 50, range: 1...1000), user,
                ]
            ) { arguments in
                let found = try await memory.memories(
                    user: arguments.string("user")!, query: arguments.string("query"),
                    limit: arguments.integer("limit")!)
                return ToolOutput(
                    text: found.isEmpty
                        ? "Nothing remembered." : found.map { "- \($0.text) [\($0.id)]" }.joined(separator: "\n"),
                    data: ["memories": .array(found.map(\.json))])
            },
            Tool(
                name: "update_memory",
                description: "Change what a memory says.",
                parameters: [
                    .string("memory_id", "The memory's id", required: true),
                    .string("text", "What it says now", required: true),
                ]
            ) { arguments in
                let changed = try await memory.update(arguments.string("memory_id")!, text: arguments.string("text")!)
                return ToolOutput(text: "Now remembered: \(changed.text)", data: changed.json)
            },
            Tool(
                name: "forget_memory",
                description: "Forget a memory for good.",
                parameters: [.string("memory_id", "The memory's id", required: true)]
            ) { arguments in
                try await memory.forget(arguments.string("memory_id")!)
                return ToolOutput(text: "Forgotten.", data: ["forgotten": .string(arguments.string("memory_id")!)])
            },
        ]
    }
}
