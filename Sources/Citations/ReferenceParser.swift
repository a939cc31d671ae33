import Foundation

/// Reads the fields of one printed reference, offline, for the common styles: numbered (IEEE,
/// Vancouver) and author–year (APA, Harvard, Chicago), and MLA. Identifiers first (DOI, arXiv
/// id, URL), then the title (the quoted part, else the sentence after the year), the authors
/// (what comes before the year or the title), the year (outside the title and identifiers),
/// then venue, volume, issue and pages from what follows the title.
public enum ReferenceParser {
    /// The longest stretch of an entry that is read for fields; a real reference is far
    /// shorter, and a runaway "entry" (a page of text with no line breaks) costs no more.
    static let readLimit = 1_500

    public static func parse(_ raw: String) -> Reference {
        var reference = Reference(raw: raw)
        var text = stripNumber(String(raw.prefix(readLimit)).trimmed)
        (reference.doi, text) = take(doiIn: text)
        (reference.arxivID, text) = take(arxivIn: text)
        (reference.url, text) = take(urlIn: text)
        text = text.replacingOccurrences(of: "Available at:", with: "").replacingOccurrences(of: "doi:", with: "")
        let yearMatch = parenthesisedYear(text)
        var quoted = quotedTitle(text)
        // "(2024). A title with a “quoted” word": a quote that does not open the title is the title's own.
        if let yearMatch, let open = quoted?.outer.lowerBound, open > yearMatch.range.upperBound,
            text[yearMatch.range.upperBound..<open].contains(where: { $0.isLetter })
        {
            quoted = nil
        }
        var authorsPart: Substring
        var rest: Substring
        if let quoted {
            reference.title = clean(String(text[quoted.inner]))
            authorsPart = text[..<quoted.outer.lowerBound]
            rest = text[quoted.outer.upperBound...]
            if let yearMatch, yearMatch.range.upperBound <= quoted.outer.lowerBound {
                reference.year = yearMatch.year
                authorsPart = text[..<yearMatch.range.lowerBound]
            } else if let bare = bareYearAfterAuthors(text), bare.range.upperBound <= quoted.outer.lowerBound {
                reference.year = bare.year
                authorsPart = text[..<bare.range.lowerBound]
            }
        } else if let yearMatch {
            // Author (Year). Title. Venue…
            reference.year = yearMatch.year
            authorsPart = text[..<yearMatch.range.lowerBound]
            (reference.title, rest) = leadingSentence(text[yearMatch.range.upperBound...], after: ". ,")
        } else if let bare = bareYearAfterAuthors(text) {
            // Chicago: Author. Year. Title. Venue…
            reference.year = bare.year
            authorsPart = text[..<bare.range.lowerBound]
            (reference.title, rest) = leadingSentence(text[bare.range.upperBound...], after: ". ")
        } else {
            // Author. Title. Venue… with nothing to anchor on: the first sentence is the authors.
            let end = authorsEnd(in: Substring(text))
            authorsPart = text[..<end]
            (reference.title, rest) = leadingSentence(text[end...], after: ". ")
        }
        reference.authors = authors(authorsPart)
        if reference.year == nil { reference.year = lastYear(rest) }
        readVenue(rest, into: &reference)
        if reference.title?.isEmpty == true { reference.title = nil }
        return reference
    }

    // MARK: - Identifiers

    static func stripNumber(_ text: String) -> String {
        guard ReferenceList.leadingNumber(text) != nil else { return text }
        let body = text.drop { $0 != "]" && $0 != ")" && $0 != "." && $0 != " " }.dropFirst()
        return String(body).trimmed
    }

    static func take(doiIn text: String) -> (String?, String) {
        var from = text.startIndex
        var found: Range<String.Index>?
        while let candidate = text.range(of: "10.", range: from..<text.endIndex) {
            if isDOI(text[candidate.lowerBound...]) {
                found = candidate
                break
            }
            from = candidate.upperBound
        }
        guard let start = found else { return (nil, text) }
        var end = text[start.lowerBound...].firstIndex(where: \.isWhitespace) ?? text.endIndex
        var doi = text[start.lowerBound..<end]
        // Sentence punctuation after it is not part of it; a closing parenthesis only when unopened.
        while let last = doi.last,
            ".,;]".contains(last) || last == ")" && doi.filter({ $0 == ")" }).count > doi.filter({ $0 == "(" }).count
        {
            doi = doi.dropLast()
            end = doi.endIndex
        }
        // The URL around it (https://doi.org/10…) goes too.
        var cut = start.lowerBound
        if let url = text[..<cut].range(of: "http", options: .backwards), !text[url.lowerBound..<cut].contains(" ") {
            cut = url.lowerBound
        }
        return (doi.lowercased(), String(text[..<cut]) + String(text[end...]))
    }

    /// `10.` then 4–9 digits and a slash.
    static func isDOI(_ text: Substring) -> Bool {
        let digits = text.dropFirst(3).prefix { $0.isASCII && $0.isNumber }
        return (4...9).contains(digits.count) && text.dropFirst(3 + digits.count).first == "/"
    }

    static func take(arxivIn text: String) -> (String?, String) {
        guard let marker = text.range(of: "arXiv:", options: .caseInsensitive) else { return (nil, text) }
        let id = text[marker.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "v" }
        guard id.contains("."), id.count >= 9 else { return (nil, text) }
        return (String(id), String(text[..<marker.lowerBound]) + String(text[id.endIndex...]))
    }

    static func take(urlIn text: String) -> (String?, String) {
        guard let start = text.range(of: "http://") ?? text.range(of: "https://") else { return (nil, text) }
        let end = text[start.lowerBound...].firstIndex(where: \.isWhitespace) ?? text.endIndex
        var url = text[start.lowerBound..<end]
        while let last = url.last, ".,;".contains(last) { url = url.dropLast() }
        return (String(url), String(text[..<start.lowerBound]) + String(text[end...]))
    }

    // MARK: - Title and year

    /// The quoted title: from the first opening quote (“, " or ‘) to the closing quote that is
    /// followed by punctuation or the end — so quotes inside the title, and apostrophes inside
    /// ‘…’, do not end it.
    static func quotedTitle(_ text: String) -> (outer: Range<String.Index>, inner: Range<String.Index>)? {
        for (open, close) in [("“", "”"), ("\"", "\""), ("‘", "’")] {
            guard let opening = text.range(of: open) else { continue }
            var from = opening.upperBound
            while let closing = text.range(of: close, range: from..<text.endIndex) {
                let next = text[closing.upperBound...].first
                if next == nil || ".,;:".contains(next!) || next == " " && close == "\"" {
                    let inner = opening.upperBound..<closing.lowerBound
                    if !text[inner].isEmpty { return (opening.lowerBound..<closing.upperBound, inner) }
                }
                from = closing.upperBound
            }
        }
        return nil
    }

    /// `(2020)`, `(2020a)`, `(2020, June 2)`; `(n.d.)`, "no date", anchors the same way with no year.
    static func parenthesisedYear(_ text: String) -> (year: Int?, range: Range<String.Index>)? {
        var from = text.startIndex
        while let open = text.range(of: "(", range: from..<text.endIndex) {
            if text[open.upperBound...].hasPrefix("n.d.)") {
                return (nil, open.lowerBound..<text.index(open.upperBound, offsetBy: 5))
            }
            let inside = text[open.upperBound...].prefix(25)
            if let year = Int(inside.prefix(4)), (1500...2100).contains(year),
                let close = inside.firstIndex(of: ")"),
                inside[inside.index(inside.startIndex, offsetBy: 4)...].first.map({
                    $0 == ")" || $0 == "," || $0.isLetter
                })
                    == true
            {
                return (year, open.lowerBound..<text.index(after: close))
            }
            from = open.upperBound
        }
        return nil
    }

    /// Chicago's "Family, Given. 2020. Title": a year standing alone as a sentence early on.
    static func bareYearAfterAuthors(_ text: String) -> (year: Int, range: Range<String.Index>)? {
        var from = text.startIndex
        while let dot = text.range(of: ". ", range: from..<text.endIndex) {
            let after = text[dot.upperBound...]
            if let year = Int(after.prefix(4)), (1500...2100).contains(year),
                after.dropFirst(4).first.map({ $0 == "." || $0.isLetter && $0.isLowercase }) == true
            {
                let end = after.dropFirst(4).firstIndex(of: ".") ?? after.endIndex
                return (year, dot.lowerBound..<end)
            }
            from = dot.upperBound
            if text.distance(from: text.startIndex, to: from) > 300 { break }
        }
        return nil
    }

    /// The last plausible year in `text` (dates follow the venue, which may name a year of its own).
    static func lastYear(_ text: Substring) -> Int? {
        var found: Int?
        var rest = text
        while let year = firstYear(rest), let at = rest.range(of: String(year)) {
            found = year
            rest = rest[at.upperBound...]
        }
        return found
    }

    /// The first plausible year in `text`: four digits from 1500 to 2100 standing alone — not
    /// part of a page range (`1655–1664`), a longer number or a word.
    static func firstYear(_ text: Substring) -> Int? {
        var digits = ""
        var before: Character = " "
        var previous: Character = " "
        for character in text + " " {
            if character.isASCII, character.isNumber {
                if digits.isEmpty { before = previous }
                digits.append(character)
            } else {
                if digits.count == 4, let year = Int(digits), (1500...2100).contains(year), !before.isLetter,
                    !"–-".contains(before), !"–-".contains(character)
                {
                    return year
                }
                digits = ""
            }
            previous = character
        }
        return nil
    }

    /// Where the sentence at the start of `text` ends: a period, question or exclamation mark
    /// followed by a space (or the end), a period after an initial ("J.") not counting. One pass.
    static func sentenceEnd(in text: Substring) -> Substring.Index {
        var index = text.startIndex
        var wordLength = 0  // letters of the word before `index`, to tell an initial ("J.") from a word
        var wordIsCapital = false
        while index < text.endIndex {
            let character = text[index]
            if ".?!".contains(character) {
                let next = text.index(after: index)
                let isInitial = wordLength == 1 && wordIsCapital
                if next == text.endIndex { return character == "." ? index : next }
                if text[next] == " ", !isInitial {
                    return character == "." ? index : next
                }
            }
            if character == " " {
                wordLength = 0
            } else {
                if wordLength == 0 { wordIsCapital = character.isUppercase }
                wordLength += 1
            }
            index = text.index(after: index)
        }
        return text.endIndex
    }

    /// The sentence `text` opens with once the `separators` before it are skipped — the title in
    /// styles that do not quote it — cleaned, and what follows it.
    static func leadingSentence(_ text: Substring, after separators: String) -> (String, Substring) {
        let start = text.drop { separators.contains($0) }
        let end = sentenceEnd(in: start)
        return (clean(String(start[..<end])), start[end...])
    }

    /// Where an author list without a year or quotes ends: after the initials of "Family, F. M."
    /// (unless "and" or "et al." goes on), else at the first sentence end.
    static func authorsEnd(in text: Substring) -> Substring.Index {
        guard let comma = text.firstIndex(of: ","), !text[..<comma].contains(".") else { return sentenceEnd(in: text) }
        var end: Substring.Index?
        for word in text[text.index(after: comma)...].split(separator: " ") {
            let isInitial =
                word.hasSuffix(".") && word.dropLast().allSatisfy { $0.isUppercase || $0 == "." || $0 == "-" }
                && word.count <= 6
            guard isInitial else { break }
            end = word.endIndex
        }
        guard let end else { return sentenceEnd(in: text) }
        let next = text[end...].drop { $0 == " " }
        if next.hasPrefix("and ") || next.hasPrefix("et al") || next.hasPrefix(",") { return sentenceEnd(in: text) }
        return text.index(before: end)
    }

    // MARK: - Authors

    /// "Mendes, P., Caceres, M., & Dwolatzky, B." → ["Mendes, P.", "Caceres, M.", "Dwolatzky, B."];
    /// "P. Mendes, M. Caceres, and B. Dwolatzky" → ["P. Mendes", "M. Caceres", "B. Dwolatzky"].
    static func authors(_ part: Substring) -> [String] {
        var text = String(part).trimmed
        // A closing full stop goes, unless it ends an initial ("Dwolatzky, B.").
        while let last = text.last, ",:; ".contains(last) || last == "." && !endsWithInitial(text) { text.removeLast() }
        text = text.replacingOccurrences(of: " et al", with: "").replacingOccurrences(of: ", and ", with: ", ")
            .replacingOccurrences(of: " and ", with: ", ").replacingOccurrences(of: "& ", with: "")
            .replacingOccurrences(of: ", ,", with: ",")
        let pieces = text.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        // "Family, Given" pairs when the second piece is initials or given names — and the first
        // is not itself "G. Family", the other order.
        guard let head = pieces.first else { return [] }
        let givenFirst = head.split(separator: " ").first.map { $0.count <= 4 && $0.hasSuffix(".") } ?? false
        guard pieces.count >= 2, !givenFirst, isGivenPart(pieces[1]) else { return pieces }
        var names: [String] = []
        var index = 0
        while index < pieces.count {
            if index + 1 < pieces.count, isGivenPart(pieces[index + 1]) {
                names.append(pieces[index] + ", " + pieces[index + 1])
                index += 2
            } else {
                names.append(pieces[index])
                index += 1
            }
        }
        return names
    }

    static func endsWithInitial(_ text: String) -> Bool {
        let word = text.split(separator: " ").last ?? ""
        return word.count == 2 && word.first?.isUppercase == true && word.last == "."
    }

    /// "M.", "D.V", "J.-G", "C. M. P": up to four capitals with dots, hyphens or spaces.
    static func isInitials(_ text: String) -> Bool {
        let letters = text.filter(\.isLetter)
        return !letters.isEmpty && letters.count <= 4 && letters.allSatisfy(\.isUppercase)
            && text.allSatisfy { $0.isLetter || $0 == "." || $0 == "-" || $0 == " " }
    }

    /// The given part of "Family, Given": initials, or one or two capitalised given names
    /// followed by nothing else ("Stewart", "Jesse James", "Maren").
    static func isGivenPart(_ text: String) -> Bool {
        if isInitials(text) { return true }
        let words = text.split(separator: " ")
        return (1...3).contains(words.count)
            && words.allSatisfy {
                $0.first?.isUppercase == true && $0.dropFirst().allSatisfy { $0.isLowercase || $0 == "." || $0 == "-" }
            }
    }

    // MARK: - Venue

    static func readVenue(_ rest: Substring, into reference: inout Reference) {
        var text = String(rest).trimmed
        while let first = text.first, ".,; ".contains(first) { text.removeFirst() }
        if text.hasPrefix("in ") || text.hasPrefix("In ") { text = String(text.dropFirst(3)) }
        if let pages = text.range(of: "pp. ") {
            reference.pages = String(text[pages.upperBound...].prefix { $0.isNumber || $0 == "–" || $0 == "-" })
        }
        if let volume = text.range(of: "vol. ") {
            reference.volume = String(text[volume.upperBound...].prefix(while: \.isNumber))
        }
        if let number = text.range(of: "no. ") {
            reference.issue = String(text[number.upperBound...].prefix(while: \.isNumber))
        }
        let venue = text.prefix { $0 != "," && $0 != "." && $0 != "(" }
        let cleaned = clean(String(venue))
        if !cleaned.isEmpty, cleaned.rangeOfCharacter(from: .letters) != nil { reference.venue = cleaned }
        // APA: "Journal, 12(3), 45–67".
        if reference.volume == nil, let comma = text.firstIndex(of: ",") {
            let after = text[text.index(after: comma)...].drop { $0 == " " }
            let volume = after.prefix(while: \.isNumber)
            if !volume.isEmpty {
                reference.volume = String(volume)
                let afterVolume = after.dropFirst(volume.count)
                if afterVolume.first == "(" {
                    reference.issue = String(afterVolume.dropFirst().prefix { $0 != ")" })
                }
                if let pagesComma = afterVolume.firstIndex(of: ",") {
                    let pages = afterVolume[afterVolume.index(after: pagesComma)...].drop { $0 == " " }
                        .prefix { $0.isNumber || $0 == "–" || $0 == "-" }
                    if !pages.isEmpty, reference.pages == nil { reference.pages = String(pages) }
                }
            }
        }
    }

    /// Whitespace collapsed, stray punctuation at the ends dropped, descriptors like "[Data set]" removed.
    static func clean(_ text: String) -> String {
        var value = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if let bracket = value.range(of: " ["), value.hasSuffix("]") { value = String(value[..<bracket.lowerBound]) }
        while let last = value.last, ".,;: ".contains(last) { value.removeLast() }
        while let first = value.first, ".,;: ".contains(first) { value.removeFirst() }
        return value
    }
}
