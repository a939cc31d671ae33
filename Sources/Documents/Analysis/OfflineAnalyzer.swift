import Foundation

/// Analysis without a language model: title, authors, abstract, sections, DOI and year read off
/// the text and the file's metadata; key points chosen with a sentence-embedding model (the
/// sentences closest to the paper's centre, kept diverse); tags from keywords the paper states,
/// else from its most frequent terms. Every field records where it came from.
public struct OfflineAnalyzer: Sendable {
    /// Vectors for sentences; nil leaves key points to the abstract's sentences.
    public typealias Embed = @Sendable ([String]) async throws -> [[Float]]

    let embed: Embed?
    /// Most sentences embedded per paper (sampled evenly beyond it): the encoder's time is most
    /// of an offline analysis, and 96 spread over the paper find its centre as well as all do.
    let maxSentences = 96
    let keyPointCount = 5

    public init(embed: Embed?) { self.embed = embed }

    public func analyse(_ document: PDFText) async throws -> PaperAnalysis {
        let paper = PaperText(document)
        let metadata = document.metadata
        var analysis = PaperAnalysis()
        analysis.method = "offline"

        if let title = metadata.title, Self.isPlausibleTitle(title) {
            analysis.title = title
            analysis.sources["title"] = "metadata"
        } else if let title = paper.titleLine {
            analysis.title = title
            analysis.sources["title"] = "text"
        }
        if !metadata.authors.isEmpty {
            analysis.authors = metadata.authors
            analysis.sources["authors"] = "metadata"
        } else {
            analysis.authors = paper.authors(after: analysis.title)
            if !analysis.authors.isEmpty { analysis.sources["authors"] = "text" }
        }
        if let doi = metadata.doi ?? DOI.first(in: paper.frontText) {
            analysis.doi = doi
            analysis.sources["doi"] = metadata.doi != nil ? "metadata" : "text"
        }
        if let year = paper.year {
            analysis.year = year
            analysis.sources["year"] = "text"
        } else if let year = metadata.year {
            analysis.year = year
            analysis.sources["year"] = "metadata"
        }
        if let journal = paper.journal {
            analysis.journal = journal
            analysis.sources["journal"] = "text"
        }
        if let abstract = paper.abstract {
            analysis.text["abstract"] = abstract
            analysis.sources["abstract"] = "text"
        }
        for (field, text) in paper.sectionFields() {
            analysis.text[field] = text
            analysis.sources[field] = "text"
        }
        if let objectives = paper.objectives {
            analysis.text["objectives"] = objectives
            analysis.sources["objectives"] = "text"
        }

        let keyPoints = try await keySentences(paper.sentences)
        if !keyPoints.isEmpty {
            analysis.text["key_points"] = keyPoints.map { "- \($0)" }.joined(separator: "\n")
            analysis.sources["key_points"] = embed == nil ? "text" : "embedding"
        }
        if let abstract = analysis.text["abstract"] {
            analysis.text["summary"] = abstract
            analysis.sources["summary"] = "text"
        } else if !keyPoints.isEmpty {
            analysis.text["summary"] = keyPoints.joined(separator: " ")
            analysis.sources["summary"] = analysis.sources["key_points"]
        }

        if !metadata.keywords.isEmpty {
            analysis.tags = metadata.keywords.map(Self.tag)
            analysis.sources["tags"] = "metadata"
        } else if let stated = paper.statedKeywords {
            analysis.tags = stated.map(Self.tag)
            analysis.sources["tags"] = "text"
        } else {
            analysis.tags = Keywords.top(in: paper.prose, count: 6).map(Self.tag)
            if !analysis.tags.isEmpty { analysis.sources["tags"] = "keywords" }
        }
        analysis.tags = analysis.tags.filter { !$0.isEmpty }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        return analysis
    }

    /// The sentences nearest the centre of all sentences, each new one also far from those
    /// already chosen (maximal marginal relevance), returned in reading order.
    func keySentences(_ sentences: [String]) async throws -> [String] {
        guard !sentences.isEmpty else { return [] }
        guard let embed else { return Array(sentences.prefix(keyPointCount)) }
        let step = max(1, sentences.count / maxSentences)
        let sample = stride(from: 0, to: sentences.count, by: step).prefix(maxSentences).map { sentences[$0] }
        let vectors = try await embed(sample).map(Self.normalised)
        guard let dimension = vectors.first?.count, dimension > 0 else { return [] }
        var centre = [Float](repeating: 0, count: dimension)
        for vector in vectors { for i in 0..<dimension { centre[i] += vector[i] } }
        centre = Self.normalised(centre)
        let relevance = vectors.map { Self.dot($0, centre) }
        var chosen: [Int] = []
        while chosen.count < min(keyPointCount, sample.count) {
            var best = -1
            var bestScore = -Float.infinity
            for index in sample.indices where !chosen.contains(index) {
                let redundancy = chosen.map { Self.dot(vectors[index], vectors[$0]) }.max() ?? 0
                let score = 0.7 * relevance[index] - 0.3 * redundancy
                if score > bestScore {
                    best = index
                    bestScore = score
                }
            }
            guard best >= 0 else { break }
            chosen.append(best)
        }
        return chosen.sorted().map { sample[$0] }
    }

    private static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) { sum += a[i] * b[i] }
        return sum
    }

    private static func normalised(_ vector: [Float]) -> [Float] {
        let norm = dot(vector, vector).squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// Info-dictionary titles that are file names or producer defaults say nothing.
    static func isPlausibleTitle(_ title: String) -> Bool {
        let lower = title.lowercased().trimmingCharacters(in: .whitespaces)
        let words = lower.split(separator: " ")
        guard words.count >= 2 || lower.count >= 12 else { return false }
        for suffix in [".pdf", ".doc", ".docx", ".tex", ".dvi", ".ps", ".indd"] where lower.hasSuffix(suffix) {
            return false
        }
        return !lower.hasPrefix("microsoft word") && !lower.hasPrefix("untitled") && !lower.hasPrefix("layout ")
    }

    /// Obsidian tags hold no spaces: "Machine Learning" → "machine-learning".
    static func tag(_ keyword: String) -> String {
        let words = keyword.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.joined(separator: "-")
    }
}
