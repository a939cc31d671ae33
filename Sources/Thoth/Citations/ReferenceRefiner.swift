import Citations
import Foundation
import JSON
import LLM

/// A chat model's reading of the references the parser is unsure of. Its answer is trusted only
/// where the printed entry bears it out: a title, author family names, a venue that appear in
/// the entry, a year and a DOI written in it. What passes fills the parser's gaps; nothing the
/// parser read is overwritten.
public struct ReferenceRefiner: Sendable {
    let model: any ChatModel
    /// Most entries of one list sent to the model.
    let limit: Int

    public init(model: any ChatModel, limit: Int = 20) {
        self.model = model
        self.limit = limit
    }

    static let system = """
        You read one entry of a paper's reference list into fields. Answer with only a JSON object: \
        {"authors": ["Family, Given", …], "title": "…", "year": 2020, "venue": "…", "volume": "…", \
        "issue": "…", "pages": "…", "doi": "…"}. Copy text exactly as printed; leave out what the \
        entry does not say.
        """

    /// The references, the uncertain ones (up to `limit`) completed; and what went wrong.
    public func refine(_ references: [Reference]) async -> (references: [Reference], problems: [String]) {
        var result = references
        var problems: [String] = []
        for index in references.indices.filter({ references[$0].isUncertain }).prefix(limit) {
            do {
                result[index] = try await refine(references[index])
            } catch {
                problems.append("\(model.model): \(references[index].raw.prefix(80)): \(error)")
            }
        }
        return (result, problems)
    }

    public func refine(_ reference: Reference) async throws -> Reference {
        let answer = try await model.complete(
            [ChatMessage(.system, Self.system), ChatMessage(.user, reference.raw)], tools: [])
        guard let object = answer.jsonObject else {
            throw LLMError("The model's reading was not the JSON asked for: \(answer.content.prefix(120))")
        }
        let grounded = Self.grounded(object, in: reference.raw)
        var refined = reference
        // A one-word "title" is the parser's guess at best: a grounded reading replaces it.
        if (refined.title?.split(separator: " ").count ?? 0) < 2, let title = grounded.title { refined.title = title }
        refined = refined.fillingGaps(from: grounded)
        if refined != reference { refined.resolvedBy = refined.resolvedBy ?? "llm" }
        return refined
    }

    /// The fields of the model's answer that the printed entry bears out.
    static func grounded(_ object: JSONObject, in raw: String) -> Reference {
        let printed = key(raw)
        let appears = { (text: String?) -> String? in
            guard let text, !text.isEmpty, printed.contains(key(text)) else { return nil }
            return text
        }
        var reference = Reference(raw: raw)
        reference.title = appears(object["title"]?.stringValue).flatMap {
            $0.split(separator: " ").count >= 2 ? $0 : nil
        }
        reference.authors = (object["authors"]?.arrayValue ?? []).compactMap(\.stringValue).filter { name in
            let family = name.split(separator: ",").first.map(String.init) ?? name
            return !family.isEmpty && printed.contains(key(family))
        }
        reference.year = (object["year"]?.intValue.map { Int($0) } ?? object["year"]?.stringValue.flatMap { Int($0) })
            .flatMap { raw.contains(String($0)) ? $0 : nil }
        reference.venue = appears(object["venue"]?.stringValue)
        for (field, value) in [("volume", \Reference.volume), ("issue", \Reference.issue), ("pages", \Reference.pages)]
        {
            reference[keyPath: value] = appears(
                object[field]?.stringValue ?? object[field]?.intValue.map { String($0) })
        }
        if let doi = object["doi"]?.stringValue?.lowercased(), raw.lowercased().contains(doi) { reference.doi = doi }
        return reference
    }

    /// Letters and digits, lowercased, accents folded.
    static func key(_ text: String) -> String {
        String(
            text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).unicodeScalars
                .filter(CharacterSet.alphanumerics.contains).map(Character.init))
    }
}
