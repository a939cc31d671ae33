/// Text as services send it, made plain: runs of whitespace collapsed to one space, and markup
/// (CrossRef's JATS abstracts) dropped. Byte by byte over UTF-8 — whitespace and markup are
/// ASCII — because a `Character` loop asks Unicode tables about every letter of every abstract.
public enum PlainText {
    /// Runs of ASCII whitespace made one space; none at either end.
    public static func collapsed(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let count = collapse(&bytes)
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    /// Tags dropped (each leaves a space), the three entities JATS escapes decoded, whitespace
    /// collapsed.
    public static func strippingTags(_ markup: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(markup.utf8.count)
        var inTag = false
        let bytes = Array(markup.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inTag {
                if byte == UInt8(ascii: ">") { inTag = false }
            } else if byte == UInt8(ascii: "<") {
                inTag = true
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "&"), let (decoded, length) = entity(bytes, at: index) {
                out.append(decoded)
                index += length
                continue
            } else {
                out.append(byte)
            }
            index += 1
        }
        let count = collapse(&out)
        return String(decoding: out[..<count], as: UTF8.self)
    }

    private static func entity(_ bytes: [UInt8], at index: Int) -> (UInt8, Int)? {
        for (name, value) in [("&amp;", UInt8(ascii: "&")), ("&lt;", UInt8(ascii: "<")), ("&gt;", UInt8(ascii: ">"))] {
            let pattern = Array(name.utf8)
            if index + pattern.count <= bytes.count, bytes[index..<index + pattern.count].elementsEqual(pattern) {
                return (value, pattern.count)
            }
        }
        return nil
    }

    /// Collapses in place; returns the new length.
    private static func collapse(_ bytes: inout [UInt8]) -> Int {
        var write = 0
        var pendingSpace = false
        for read in bytes.indices {
            let byte = bytes[read]
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = write > 0
            } else {
                if pendingSpace {
                    bytes[write] = 0x20
                    write += 1
                    pendingSpace = false
                }
                bytes[write] = byte
                write += 1
            }
        }
        return write
    }
}
