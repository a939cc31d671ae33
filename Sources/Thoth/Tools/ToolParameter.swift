import JSON

/// One argument of a tool: its JSON type, whether it is required, its default and limits.
/// Arguments are checked against these before a handler runs.
public struct ToolParameter: Sendable {
    public enum Kind: Sendable, Equatable {
        case string, integer, number, boolean, object
        case stringArray
        /// A list whose items are strings or objects.
        case list
    }

    public let name: String
    public let kind: Kind
    public let description: String
    public var required = false
    public var defaultValue: JSONValue?
    public var choices: [String]?
    public var range: ClosedRange<Double>?

    public static func string(
        _ name: String, _ description: String, required: Bool = false, default value: String? = nil,
        choices: [String]? = nil
    ) -> ToolParameter {
        ToolParameter(
            name: name, kind: .string, description: description, required: required,
            defaultValue: value.map { .string($0) }, choices: choices)
    }

    public static func integer(
        _ name: String, _ description: String, required: Bool = false, default value: Int? = nil,
        range: ClosedRange<Int>? = nil
    ) -> ToolParameter {
        ToolParameter(
            name: name, kind: .integer, description: description, required: required,
            defaultValue: value.map { .int(Int64($0)) },
            range: range.map { Double($0.lowerBound)...Double($0.upperBound) })
    }

    public static func number(
        _ name: String, _ description: String, default value: Double? = nil, range: ClosedRange<Double>? = nil
    ) -> ToolParameter {
        ToolParameter(
            name: name, kind: .number, description: description, defaultValue: value.map { .double($0) }, range: range)
    }

    public static func boolean(_ name: String, _ description: String, default value: Bool = false) -> ToolParameter {
        ToolParameter(name: name, kind: .boolean, description: description, defaultValue: .bool(value))
    }

    public static func strings(_ name: String, _ description: String, required: Bool = false) -> ToolParameter {
        ToolParameter(name: name, kind: .stringArray, description: description, required: required)
    }

    public static func list(_ name: String, _ description: String) -> ToolParameter {
        ToolParameter(name: name, kind: .list, description: description)
    }

    public static func object(_ name: String, _ description: String) -> ToolParameter {
        ToolParameter(name: name, kind: .object, description: description)
    }

    static func schema(_ parameters: [ToolParameter]) -> JSONValue {
        var properties = JSONObject()
        for parameter in parameters {
            var property: JSONObject = ["description": .string(parameter.description)]
            switch parameter.kind {
            case .string: property["type"] = "string"
            case .integer: property["type"] = "integer"
            case .number: property["type"] = "number"
            case .boolean: property["type"] = "boolean"
            case .object: property["type"] = "object"
            case .stringArray:
                property["type"] = "array"
                property["items"] = ["type": "string"]
            case .list:
                property["type"] = "array"
                property["items"] = ["anyOf": [["type": "string"], ["type": "object"]]]
            }
            if let choices = parameter.choices { property["enum"] = .array(choices.map { .string($0) }) }
            if let range = parameter.range {
                property["minimum"] =
                    parameter.kind == .integer ? .int(Int64(range.lowerBound)) : .double(range.lowerBound)
                property["maximum"] =
                    parameter.kind == .integer ? .int(Int64(range.upperBound)) : .double(range.upperBound)
            }
            if let value = parameter.defaultValue { property["default"] = value }
            properties[parameter.name] = .object(property)
        }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(parameters.filter(\.required).map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }

    /// Why `value` does not fit this parameter, or nil.
    func problem(with value: JSONValue) -> String? {
        switch (kind, value) {
        case (.string, .string(let text)):
            if let choices, !choices.contains(text) {
                return "'\(name)' must be one of \(choices.joined(separator: ", "))"
            }
            return nil
        case (.integer, _) where value.intValue != nil && value.doubleValue != nil:
            if let range, !range.contains(Double(value.intValue!)) { return outOfRange }
            return nil
        case (.number, .int), (.number, .double):
            if let range, !range.contains(value.doubleValue!) { return outOfRange }
            return nil
        case (.boolean, .bool), (.object, .object): return nil
        case (.stringArray, .array(let items)) where items.allSatisfy { $0.stringValue != nil }: return nil
        case (.list, .array(let items)) where items.allSatisfy { $0.stringValue != nil || $0.objectValue != nil }:
            return nil
        default:
            let expected: String =
                switch kind {
                case .string: "a string"
                case .integer: "an integer"
                case .number: "a number"
                case .boolean: "true or false"
                case .object: "an object"
                case .stringArray: "a list of strings"
                case .list: "a list of strings and objects"
                }
            return "'\(name)' must be \(expected)"
        }
    }

    private var outOfRange: String {
        guard let range else { return "" }
        return kind == .integer
            ? "'\(name)' must be between \(Int(range.lowerBound)) and \(Int(range.upperBound))"
            : "'\(name)' must be between \(range.lowerBound) and \(range.upperBound)"
    }
}

/// A tool's arguments after checking: every value has the declared type, defaults filled in.
public struct ToolArguments: Sendable {
    public let values: JSONObject

    /// Checks `arguments` against `parameters`: unknown names, missing required ones, wrong
    /// types and values out of range are refused with a message naming the argument.
    init(_ arguments: JSONObject, parameters: [ToolParameter]) throws(ToolError) {
        var values = JSONObject()
        let known = Set(parameters.map(\.name))
        if let unknown = arguments.keys.first(where: { !known.contains($0) }) {
            throw ToolError("Unknown argument '\(unknown)'; expected \(parameters.map(\.name).joined(separator: ", "))")
        }
        for parameter in parameters {
            if let value = arguments[parameter.name], !value.isNull {
                if let problem = parameter.problem(with: value) { throw ToolError(problem) }
                values[parameter.name] = value
            } else if parameter.required {
                throw ToolError("'\(parameter.name)' is required")
            } else if let value = parameter.defaultValue {
                values[parameter.name] = value
            }
        }
        self.values = values
    }

    public func string(_ name: String) -> String? { values[name]?.stringValue }
    public func integer(_ name: String) -> Int? { values[name]?.intValue.map(Int.init) }
    public func number(_ name: String) -> Double? { values[name]?.doubleValue }
    public func flag(_ name: String) -> Bool { values[name] == .bool(true) }
    public func strings(_ name: String) -> [String] {
        if case .array(let items)? = values[name] { return items.compactMap(\.stringValue) }
        return []
    }
    public func object(_ name: String) -> JSONObject? { values[name]?.objectValue }
    public func list(_ name: String) -> [JSONValue] { values[name]?.arrayValue ?? [] }
}
