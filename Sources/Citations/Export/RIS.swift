/// References in RIS (`TY  - JOUR` … `ER  - `), which reference managers import, and in EndNote's
/// tagged "refer" format (`%0 Journal Article` …).
public enum RIS {
    public static func export(_ references: [Reference]) -> String {
        references.map { reference in
            var lines = ["TY  - " + type(reference)]
            for author in reference.authors {
                lines.append("AU  - " + PersonName(author).inverted)
            }
            if let title = reference.title { lines.append("TI  - " + title) }
            if let venue = reference.venue { lines.append("T2  - " + venue) }
            if let year = reference.year { lines.append("PY  - \(year)") }
            if let volume = reference.volume { lines.append("VL  - " + volume) }
            if let issue = reference.issue { lines.append("IS  - " + issue) }
            if let pages = reference.pages {
                let parts = pages.split(whereSeparator: { $0 == "–" || $0 == "-" })
                if let first = parts.first { lines.append("SP  - " + first) }
                if parts.count > 1 { lines.append("EP  - " + parts[1]) }
            }
            if let publisher = reference.publisher { lines.append("PB  - " + publisher) }
            if let doi = reference.doi { lines.append("DO  - " + doi) }
            if let url = reference.url { lines.append("UR  - " + url) }
            lines.append("ER  - ")
            return lines.joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }

    public static func endNote(_ references: [Reference]) -> String {
        references.map { reference in
            var lines = ["%0 " + (endNoteTypes[type(reference)] ?? "Generic")]
            for author in reference.authors {
                lines.append("%A " + PersonName(author).inverted)
            }
            if let title = reference.title { lines.append("%T " + title) }
            if let venue = reference.venue { lines.append((type(reference) == "JOUR" ? "%J " : "%B ") + venue) }
            if let year = reference.year { lines.append("%D \(year)") }
            if let volume = reference.volume { lines.append("%V " + volume) }
            if let issue = reference.issue { lines.append("%N " + issue) }
            if let pages = reference.pages { lines.append("%P " + pages) }
            if let publisher = reference.publisher { lines.append("%I " + publisher) }
            if let doi = reference.doi { lines.append("%R " + doi) }
            if let url = reference.url { lines.append("%U " + url) }
            return lines.joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }

    static func type(_ reference: Reference) -> String {
        switch BibTeX.entryType(reference) {
        case "article": "JOUR"
        case "inproceedings": "CONF"
        case "incollection": "CHAP"
        case "book": "BOOK"
        case "techreport": "RPRT"
        case "phdthesis": "THES"
        default: "GEN"
        }
    }

    static let endNoteTypes = [
        "JOUR": "Journal Article", "CONF": "Conference Paper", "CHAP": "Book Section", "BOOK": "Book",
        "RPRT": "Report", "THES": "Thesis",
    ]
}
