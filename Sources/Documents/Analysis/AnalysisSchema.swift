import JSON

/// The JSON schema an analysing model must answer in, and the check of a reply against it.
public enum AnalysisSchema {
    /// The schema, as sent to the model.
    public static var json: JSONValue {
        var properties: JSONObject = [
            "title": ["type": "string"], "authors": ["type": "array", "items": ["type": "string"]],
            "year": ["type": ["integer", "null"]], "doi": ["type": ["string", "null"]],
            "journal": ["type": ["string", "null"]], "tags": ["type": "array", "items": ["type": "string"]],
        ]
        for field in PaperAnalysis.textFields { properties[field] = ["type": ["string", "null"]] }
        return [
            "type": "object", "properties": .object(properties),
            "required": ["title", "authors", "year", "doi", "journal", "abstract", "summary", "key_points", "tags"],
        ]
    }

    /// What is wrong with `reply`, empty when it conforms. Prose fields may also be lists of
    /// strings, which models often write for key points.
    public static func problems(_ reply: JSONValue) -> [String] {
        guard let object = reply.objectValue else { return ["the reply is not a JSON object"] }
        var problems: [String] = []
        for case .string(let name) in json.objectValue?["required"]?.arrayValue ?? [] where object[name] == nil {
            problems.append("\(name) is missing")
        }
        func expect(_ name: String, _ accepts: (JSONValue) -> Bool, _ kind: String) {
            if let value = object[name], !accepts(value) { problems.append("\(name) must be \(kind)") }
        }
        let strings: (JSONValue) -> Bool = { value in value.arrayValue?.allSatisfy { $0.stringValue != nil } == true }
        expect("title", { $0.stringValue != nil }, "a string")
        expect("authors", strings, "a list of strings")
        expect("tags", strings, "a list of strings")
        expect("year", { $0.isNull || ($0.intValue.map { (1000...9999).contains($0) } ?? false) }, "a year or null")
        for name in ["doi", "journal"] { expect(name, { $0.isNull || $0.stringValue != nil }, "a string or null") }
        for name in PaperAnalysis.textFields {
            expect(name, { $0.isNull || $0.stringValue != nil || strings($0) }, "a string, a list of strings or null")
        }
        return problems
    }
}
