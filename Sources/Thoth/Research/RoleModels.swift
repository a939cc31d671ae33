import LLM
import Synchronization

/// The chat model of each role (chat, analysis, citations, tags, relevance), from the settings
/// in effect; rebuilt when they change at run time.
public final class RoleModels: Sendable {
    private let models: Mutex<[ChatModelSelection.Role: any ChatModel]>

    public init(environment: [String: String]) {
        models = Mutex(Self.build(environment))
    }

    public func model(for role: ChatModelSelection.Role) -> (any ChatModel)? { models.withLock { $0[role] } }

    public func reload(_ environment: [String: String]) {
        let built = Self.build(environment)
        models.withLock { $0 = built }
    }

    /// What each role uses, for the configuration report: `model @ endpoint`, or `offline`.
    public var report: [String: String] {
        models.withLock { models in
            Dictionary(
                uniqueKeysWithValues: ChatModelSelection.Role.allCases.map { role in
                    (role.rawValue, models[role].map { "\($0.model) @ \($0.endpoint)" } ?? "offline")
                })
        }
    }

    static func build(_ environment: [String: String]) -> [ChatModelSelection.Role: any ChatModel] {
        var built: [ChatModelSelection.Role: any ChatModel] = [:]
        for role in ChatModelSelection.Role.allCases {
            built[role] = ChatModelSelection.make(environment: environment, role: role)
        }
        return built
    }
}
