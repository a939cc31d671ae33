import Foundation

/// A `.env` file: `NAME=value` lines, `#` comments, optional `export ` and quotes.
/// Values already in the process environment win over the file, as with python-dotenv.
public enum EnvironmentFile {
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            if !name.isEmpty { values[name] = value }
        }
        return values
    }

    /// `NAME_FILE=/run/secrets/…` supplies `NAME` from that file (Docker secrets), unless `NAME`
    /// itself is set. The file's content is taken without its trailing newline.
    public static func resolvingFileReferences(_ environment: [String: String]) -> [String: String] {
        var resolved = environment
        for (name, path) in environment where name.hasSuffix("_FILE") && name != "THOTH_ENV_FILE" {
            let target = String(name.dropLast(5))
            guard (environment[target] ?? "").isEmpty, let text = try? String(contentsOfFile: path, encoding: .utf8)
            else { continue }
            resolved[target] = text.trimmingCharacters(in: .newlines)
        }
        return resolved
    }

    /// Secrets named by file that did not arrive, in a resolved environment: each a problem, as a
    /// misconfigured deployment is not an absent setting. Only Thoth's and Chroma's own `_FILE`
    /// names count; others in the environment (`SSL_CERT_FILE`, …) belong to other programs.
    public static func unreadableFileReferences(_ resolved: [String: String]) -> [String] {
        resolved.compactMap { name, path in
            guard name.hasSuffix("_FILE"), name != "THOTH_ENV_FILE",
                ["THOTH_", "API_", "CHROMA_", "OPENAI_"].contains(where: { name.hasPrefix($0) }),
                (resolved[String(name.dropLast(5))] ?? "").isEmpty
            else { return nil }
            return "\(name) names \(path), which cannot be read or is empty"
        }.sorted()
    }

    /// The process environment over the `.env` file at `path` (when it exists).
    public static func merged(processEnvironment: [String: String], path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return processEnvironment }
        return parse(text).merging(processEnvironment) { _, process in process }
    }
}
