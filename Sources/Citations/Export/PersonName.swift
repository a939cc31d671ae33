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
        var reference = Reference(raw: "")
        reference.authors = [text]
        family = reference.firstAuthorFamily ?? text
        given = String(text.dropLast(family.count)).trimmed
    }
}
