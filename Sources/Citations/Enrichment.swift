import Foundation

/// Where a reference's missing identifiers and metadata come from: a bibliographic service
/// (CrossRef, Semantic Scholar) looked up by DOI, or searched by title and authors. Implemented
/// where the HTTP clients are; this module only decides what to ask and what to accept.
public protocol BibliographicLookup: Sendable {
    /// The service's name, recorded on what it filled in.
    var name: String { get }
    /// The work a DOI names; nil when the service does not know it.
    func work(doi: String) async throws -> Reference?
    /// The works of many DOIs, in order, nil where unknown: one call per batch where the service
    /// has a batch endpoint, else one by one.
    func works(dois: [String]) async throws -> [Reference?]
    /// The service's best match for a title and authors; nil when none.
    func bestMatch(title: String, authors: String?) async throws -> Reference?
}

extension BibliographicLookup {
    public func works(dois: [String]) async throws -> [Reference?] { try await worksOneByOne(dois) }

    /// `work(doi:)` for each DOI in turn, for services without a batch endpoint.
    public func worksOneByOne(_ dois: [String]) async throws -> [Reference?] {
        var works: [Reference?] = []
        for doi in dois { works.append(try await work(doi: doi)) }
        return works
    }
}

/// Completes parsed references from lookups, in order (a DOI the first finds lets the next look
/// the work up by DOI): by DOI when the entry has one, else by title (a match must have nearly the
/// same title and, when the entry names one, the same first author). Only empty fields are
/// filled; what the entry printed stays.
public struct ReferenceEnricher: Sendable {
    let lookups: [any BibliographicLookup]

    public init(lookups: [any BibliographicLookup]) { self.lookups = lookups }
    public init(lookup: any BibliographicLookup) { self.init(lookups: [lookup]) }

    /// The references completed, and what went wrong asking (a failed lookup leaves its
    /// reference as it was).
    public func enrich(_ references: [Reference]) async -> (references: [Reference], problems: [String]) {
        var result = references
        var problems: [String] = []
        for lookup in lookups {
            let report = { (index: Int, error: any Error) in
                problems.append("\(lookup.name): \(result[index].raw.prefix(80)): \(error)")
            }
            let withDOI = result.indices.filter { result[$0].doi != nil }
            do {
                let works = try await lookup.works(dois: withDOI.map { result[$0].doi! })
                for (index, work) in zip(withDOI, works) where work != nil {
                    result[index] = Self.merged(result[index], with: work!, from: lookup.name)
                }
            } catch {
                // The batch failed: each DOI alone, so one bad answer costs one reference.
                for index in withDOI {
                    do {
                        if let work = try await lookup.work(doi: result[index].doi!) {
                            result[index] = Self.merged(result[index], with: work, from: lookup.name)
                        }
                    } catch { report(index, error) }
                }
            }
            for index in result.indices where result[index].doi == nil {
                do {
                    result[index] = try await enrichByTitle(result[index], lookup)
                } catch { report(index, error) }
            }
        }
        return (result, problems)
    }

    func enrichByTitle(_ reference: Reference, _ lookup: any BibliographicLookup) async throws -> Reference {
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
        // Every service that answered, in the order asked ("crossref,semanticscholar").
        let services = (reference.resolvedBy?.split(separator: ",").map(String.init) ?? [])
        result.resolvedBy = (services.contains(service) ? services : services + [service]).joined(separator: ",")
        return result
    }

    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    static func words(_ text: String) -> [String] {
        folded(text).split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }
}
