/// A printed author name split into family and given parts: "Lynch, S." and "S. Lynch" both
/// give family "Lynch", given "S."; "J. De Kort" gives family "De Kort".
struct PersonName: Equatable {
    var family: String
    var given: String

    init(_ printed: String) {
        let text = printed.trimmed
        if let comma = text.firstIndex(of: ",") {
            family = String(text[..<comma]).trimmed
            given = String(text[text.index(after: comma)...]).trimmed
            return
        }
        let words = text.split(separator: " ")
        if let lastInitial = words.lastIndex(where: { $0.hasSuffix(".") && $0.count <= 3 }),
            lastInitial < words.count - 1
        {
            family = words[(lastInitial + 1)...].joined(separator: " ")
        } else {
            family = words.last.map(String.init) ?? text
        }
        given = String(text.dropLast(family.count)).trimmed
    }

    /// "Family, Given" (or the family alone), as bibliographies sort names.
    var inverted: String { given.isEmpty ? family : "\(family), \(given)" }
}
