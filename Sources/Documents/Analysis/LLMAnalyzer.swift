import JSON
import LLM

/// Analysis by a chat model, in the original's `AnalysisResponse` shape. A paper longer than
/// one request's share of the context is read in parts (map), whose analyses are then merged
/// (reduce). Each reply must be a JSON object that passes `AnalysisSchema`; an invalid one is
/// sent back once with what is wrong, and a second invalid one is an error.
public struct LLMAnalyzer: Sendable {
    let model: any ChatModel
    /// Characters of paper text per request (about 10k tokens).
    let partCharacters: Int

    public init(model: any ChatModel, partCharacters: Int = 40_000) {
        self.model = model
        self.partCharacters = max(1000, partCharacters)
    }

    public var modelName: String { model.model }

    public func analyse(_ document: PDFText) async throws -> PaperAnalysis {
        let parts = Self.parts(document, size: partCharacters)
        var reply: JSONObject
        if parts.count <= 1 {
            reply = try await ask(Self.instructions + "\n\nThe paper:\n\n" + (parts.first ?? ""))
        } else {
            var partial: [JSONValue] = []
            for (index, part) in parts.enumerated() {
                let prompt =
                    Self.instructions + "\n\nThis is part \(index + 1) of \(parts.count) of the paper; "
                    + "fill what this part tells and leave the rest null or empty.\n\n" + part
                partial.append(.object(try await ask(prompt)))
            }
            reply = try await ask(
                Self.instructions + "\n\nThese are analyses of consecutive parts of one paper. Merge them into one "
                    + "analysis of the whole paper:\n\n" + JSONWriter.string(.array(partial)))
        }
        var analysis = PaperAnalysis(json: reply)
        analysis.method = "llm"
        for field in ["title", "authors", "year", "doi", "journal", "tags"] + PaperAnalysis.textFields {
            if case .some(let value) = reply[field], !value.isNull { analysis.sources[field] = "llm" }
        }
        return analysis
    }

    /// One request, checked; an invalid reply is answered once with its problems.
    private func ask(_ prompt: String) async throws -> JSONObject {
        var messages = [ChatMessage(.system, Self.system), ChatMessage(.user, prompt)]
        for attempt in 1...2 {
            let answer = try await model.complete(messages, tools: [])
            let problems: [String]
            let parsed = answer.jsonObject
            if let parsed {
                problems = AnalysisSchema.problems(.object(parsed))
                if problems.isEmpty { return parsed }
            } else {
                problems = ["the reply holds no JSON object"]
            }
            if attempt == 2 {
                throw LLMError(
                    "The model's analysis was not valid JSON for the schema: " + problems.joined(separator: "; "))
            }
            messages.append(answer)
            messages.append(
                ChatMessage(
                    .user,
                    "That reply does not match the schema (" + problems.joined(separator: "; ")
                        + "). Answer again with only the JSON object."))
        }
        throw LLMError("unreachable")
    }

    /// The paper's markdown cut at page boundaries into parts of about `size` characters.
    static func parts(_ document: PDFText, size: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        for (index, page) in document.pages.enumerated() where !page.isEmpty {
            let section = "## Page \(index + 1)\n\n\(page)\n\n"
            if !current.isEmpty, current.count + section.count > size {
                parts.append(current)
                current = ""
            }
            // A single page over the limit is cut, not dropped.
            var rest = Substring(section)
            while rest.count > size {
                parts.append(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            current += rest
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    static let system =
        "You analyse research papers for a researcher's knowledge base. You answer with one JSON object and nothing else."

    static var instructions: String {
        """
        Analyse the paper below. Answer with a JSON object that follows this JSON schema:
        \(JSONWriter.string(AnalysisSchema.json))
        Fields: title, authors (full names), year (of publication), doi, journal (or venue), abstract, \
        key_points (the main contributions, as a markdown list), summary (one paragraph), objectives, methodology, \
        data, experimental_setup, evaluation_metrics, results, discussion, strengths, weaknesses, limitations, \
        future_work, related_work, tags (3 to 8 lowercase topic tags, words joined by hyphens). \
        Use null for what the paper does not say; do not invent.
        """
    }
}
