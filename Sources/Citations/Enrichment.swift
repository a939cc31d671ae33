import Foundation

/// Where a reference's missing identifiers and metadata come from: a bibliographic service
/// (CrossRef) looked up by DOI, or searched by title and authors. Implemented where the HTTP
/// clients are; this module only decides what to ask and what to accept.
public protocol BibliographicLookup: Sendable {
    /// The service's name, recorded on what it filled in.
    var name: String { get }
    /// The work a DOI names; nil when the service does not know it.
    func work(doi: String) async throws -> Reference?
    /// The service's best match for a title and authors; nil when none.
    func bestMatch(title: String, authors: String?) async throws -> Reference?
}

/// Completes parsed references from a lookup: by DOI when the entry printed one, else by
/// title (a match must have nearly the same title and, when the entry names one, the same
/// first author). Only empty fields are filled; what the entry printed stays.
public struct ReferenceEnricher: Sendable {
    let lookup: any BibliographicLookup

    public init(lookup: any BibliographicLookup) { self.lookup = lookup }

    /// The references completed, and what went wrong asking (a failed lookup leaves its
    /// reference as parsed).
    public func enrich(_ references: [Reference]) async -> (references: [Reference], problems: [String]) {
        var problems: [String] = []
        var enriched: [Reference] = []
        for reference in references {
            do {
                enriched.append(try await enrich(reference))
            } catch {
                problems.append("\(lookup.name): \(reference.raw.prefix(80)): \(error)")
                enriched.append(reference)
            }
        }
        return (enriched, problems)
    }

    public func enrich(_ reference: Reference) async throws -> Reference {
        if let doi = reference.doi {
            guard let work = try await lookup.work(doi: doi) else { return reference }
            return Self.merged(reference, with: work, from: lookup.name)
        }
        guard let title = reference.title, title.count >= 8 else { return reference }
        let authors = reference.authors.prefix(3).joined(separator: " ")
        guard let candidate = try await lookup.bestMatch(title: title, authors: authors.isEmpty ? nil : authors),
            Self.isMatch(reference, candidate)
        else { return reference }
        return Self.merged(reference, with: candidate, from: lookup.name)
    }

    /// Nearly the same title (the same words, nine in ten at least) and the same first author's
    /// family name when both have one.
    public static func isMatch(_ reference: Reference, _ candidate: Reference) -> Bool {
        guard let title = reference.title, let other = candidate.title else { return false }
        let words = Set(Self.words(title))
        let otherWords = Set(Self.words(other))
        let shared = Double(words.intersection(otherWords).count)
        guard !words.isEmpty, shared / Double(max(words.count, otherWords.count)) >= 0.9 else { return false }
        guard let family = reference.firstAuthorFamily.map(Self.folded), !family.isEmpty,
            let first = candidate.authors.first.map(Self.folded)
        else { return true }
        return first.contains(family)
    }

    static func merged(_ reference: Reference, with work: Reference, from service: String) -> Reference {
        var result = reference.fillingGaps(from: work)
        result.resolvedBy = service
        return result
    }

    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    static func words(_ text: String) -> [String] {
        folded(text).split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }
}
