import JSON

/// Plugin-format settings (camelCase keys) to and from the environment names Thoth reads.
public enum PluginSettings {
    public static let version = "1.0.0"
    /// How a set secret is exported; importing it back leaves the secret unchanged.
    public static let redacted = "********"

    /// A setting's value as the environment holds it; nil for arrays, objects and null.
    public static func settingText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }

    /// Every setting's current value, secrets redacted.
    public static func export(_ environment: [String: String]) -> JSONObject {
        JSONObject(
            PluginSetting.all.map { setting in
                let value = environment[setting.environment] ?? setting.defaultValue
                if case .secret = setting.kind { return (setting.key, .string(value == nil ? "" : redacted)) }
                return (setting.key, value.map { .string($0) } ?? .null)
            })
    }

    /// The environment changes `settings` asks for, the errors that forbid applying them, and
    /// warnings (unknown keys, redacted secrets, settings that need a restart, no model key).
    public static func check(_ settings: JSONObject) -> (
        changes: [String: String], errors: [String], warnings: [String]
    ) {
        var changes: [String: String] = [:]
        var errors: [String] = []
        var warnings: [String] = []
        let known = Dictionary(uniqueKeysWithValues: PluginSetting.all.map { ($0.key, $0) })
        for (key, value) in settings {
            guard let setting = known[key] else {
                warnings.append("Unknown setting \(key) ignored")
                continue
            }
            if let problem = setting.problem(with: value) {
                errors.append(problem)
                continue
            }
            guard setting.settableOverHTTP else {
                warnings.append("\(key) is set in the server's environment (\(setting.environment)); ignored")
                continue
            }
            guard let text = settingText(value), text != redacted else { continue }
            changes[setting.environment] = text
            if !setting.live { warnings.append("\(key) applies after a restart") }
        }
        let modelKeys = ["API_OPENROUTER_KEY", "API_MISTRAL_KEY", "API_OPENAI_KEY", "THOTH_LLM_BASE_URL"]
        let exported = settings.contains { key, value in
            known[key].map { modelKeys.contains($0.environment) } == true && !(value.stringValue ?? "").isEmpty
        }
        if !exported { warnings.append("No language model key or base URL: answers will be quoted offline") }
        return (changes, errors, warnings)
    }
}
