import Foundation

/// What a PDF says about itself: its info dictionary (as `pdfinfo` prints it) and its XMP packet.
/// Empty strings are absent values; XMP wins where both are set, as it is the newer record.
public struct PDFMetadata: Sendable, Equatable {
    public var title: String?
    public var authors: [String] = []
    public var subject: String?
    public var keywords: [String] = []
    public var doi: String?
    /// ISO 8601, as the file has it.
    public var created: String?
    public var modified: String?
    public var producer: String?
    public var pages = 0
    public var encrypted = false

    public init() {}

    /// Reads `pdfinfo -isodates` output.
    public init(pdfinfo output: String) {
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { continue }
            switch key {
            case "Title": title = value
            case "Author": authors = Self.names(value)
            case "Subject": subject = value
            case "Keywords": keywords = Self.keywords(value)
            case "CreationDate": created = value
            case "ModDate": modified = value
            case "Producer": producer = value
            case "Pages": pages = Int(value) ?? 0
            case "Encrypted": encrypted = value.hasPrefix("yes")
            default: break
            }
        }
        if doi == nil, let subject { doi = DOI.first(in: subject) }
    }

    /// Adds what an XMP packet (`pdfinfo -meta`) holds.
    public mutating func merge(xmp: String) {
        let packet = XMPPacket(xmp)
        if let value = packet.values("dc:title").first, !value.isEmpty { title = value }
        let creators = packet.values("dc:creator").filter { !$0.isEmpty }
        if !creators.isEmpty { authors = creators }
        if let value = packet.values("dc:description").first, !value.isEmpty, subject == nil { subject = value }
        let subjects = packet.values("dc:subject").flatMap(Self.keywords)
        if keywords.isEmpty, !subjects.isEmpty { keywords = subjects }
        for candidate in packet.values("prism:doi") + packet.values("dc:identifier") + packet.values("pdfx:doi") {
            if let found = DOI.first(in: candidate) {
                doi = found
                break
            }
        }
        if let value = packet.values("xmp:CreateDate").first, !value.isEmpty { created = created ?? value }
    }

    /// The year the file was made, from its creation date.
    public var year: Int? {
        guard let created, created.count >= 4, let year = Int(created.prefix(4)), (1400...9999).contains(year) else {
            return nil
        }
        return year
    }

    /// Authors as producers write them: "A and B", "A; B", "A, B" (when no name has a comma inside).
    static func names(_ value: String) -> [String] {
        let separators = value.contains(";") ? [";"] : [" and ", ","]
        var parts = [value]
        for separator in separators {
            parts = parts.flatMap { $0.components(separatedBy: separator) }
        }
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func keywords(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

/// The few XMP properties the pipeline reads: a property's text, or the `rdf:li` items of its
/// `Seq`/`Bag`/`Alt`. XMP is small and regular, so this scans text rather than building a tree.
struct XMPPacket {
    let text: String
    init(_ text: String) { self.text = text }

    func values(_ property: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(property)") {
            let afterName = rest[open.upperBound...]
            guard let first = afterName.first, first == ">" || first == " " || first == "/" || first == "\n" else {
                rest = afterName
                continue
            }
            guard let tagEnd = afterName.firstIndex(of: ">") else { break }
            if afterName[..<tagEnd].hasSuffix("/") {
                rest = afterName[tagEnd...]
                continue
            }
            let body = afterName[afterName.index(after: tagEnd)...]
            guard let close = body.range(of: "</\(property)>") else { break }
            let inner = body[..<close.lowerBound]
            let items = Self.items(inner)
            found += items.isEmpty ? [Self.unescape(inner)] : items
            rest = body[close.upperBound...]
        }
        return found
    }

    private static func items(_ inner: Substring) -> [String] {
        var items: [String] = []
        var rest = inner
        while let open = rest.range(of: "<rdf:li") {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">"),
                let close = rest[tagEnd...].range(of: "</rdf:li>")
            else { break }
            items.append(unescape(rest[rest.index(after: tagEnd)..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return items
    }

    static func unescape(_ text: Substring) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
