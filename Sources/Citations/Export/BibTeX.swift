/// References as BibTeX entries (`@article{…}`), keys made from the first author, the year and
/// the title's first word, kept unique within one export.
public enum BibTeX {
    public static func export(_ references: [Reference]) -> String {
        var used: [String: Int] = [:]
        return references.map { reference in
            var key = citationKey(reference)
            used[key, default: 0] += 1
            if let count = used[key], count > 1 { key += String(UnicodeScalar(UInt8(96 + min(count, 26)))) }
            var fields: [(String, String)] = []
            if !reference.authors.isEmpty {
                fields.append(("author", reference.authors.map { PersonName($0).inverted }.joined(separator: " and ")))
            }
            if let title = reference.title { fields.append(("title", title)) }
            if let venue = reference.venue {
                fields.append((entryType(reference) == "article" ? "journal" : "booktitle", venue))
            }
            if let year = reference.year { fields.append(("year", String(year))) }
            if let volume = reference.volume { fields.append(("volume", volume)) }
            if let issue = reference.issue { fields.append(("number", issue)) }
            if let pages = reference.pages { fields.append(("pages", pages.replacingOccurrences(of: "–", with: "--"))) }
            if let publisher = reference.publisher { fields.append(("publisher", publisher)) }
            if let doi = reference.doi { fields.append(("doi", doi)) }
            if let url = reference.url { fields.append(("url", url)) }
            // DOIs and URLs are verbatim fields in BibTeX: written as they are.
            let body = fields.map { "  \($0.0) = {\(["doi", "url"].contains($0.0) ? $0.1 : escaped($0.1))}" }
                .joined(separator: ",\n")
            return "@\(entryType(reference)){\(key),\n\(body)\n}\n"
        }.joined(separator: "\n")
    }

    /// The entry type of the reference's CSL type; without one, `article` when it names a venue and
    /// a volume, `inproceedings` for proceedings, else `misc`.
    static func entryType(_ reference: Reference) -> String {
        if let type = reference.type {
            switch type {
            case "article-journal", "article-magazine", "article-newspaper", "review": return "article"
            case "paper-conference": return "inproceedings"
            case "chapter", "entry-encyclopedia", "entry-dictionary": return "incollection"
            case "book": return "book"
            case "report": return "techreport"
            case "thesis": return "phdthesis"
            default: return "misc"
            }
        }
        let venue = reference.venue?.lowercased() ?? ""
        if venue.contains("proceedings") || venue.contains("conference") || venue.contains("workshop") {
            return "inproceedings"
        }
        return reference.venue != nil && reference.volume != nil ? "article" : "misc"
    }

    static func citationKey(_ reference: Reference) -> String {
        let family = reference.firstAuthorFamily ?? "anonymous"
        let word = reference.title?.split(separator: " ").first { $0.count > 3 }.map(String.init) ?? ""
        let key = (family + (reference.year.map(String.init) ?? "") + word).unicodeScalars.filter {
            ("a"..."z").contains(Character($0)) || ("A"..."Z").contains(Character($0))
                || ("0"..."9").contains(Character($0))
        }
        return key.isEmpty ? "ref" : String(String.UnicodeScalarView(key)).lowercased()
    }

    /// TeX's special characters escaped; braces balanced by escaping them.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\textbackslash{}"
            case "{", "}", "&", "%", "$", "#", "_": out += "\\" + String(character)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            default: out.append(character)
            }
        }
        return out
    }
}
