#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pull parser over UTF-8 JSON bytes.
///
/// Besides building `JSONValue` trees it reads arrays of numbers straight into `[Float]`
/// (no per-element boxing), which is the hot path of every embedding upload:
///
///     let value = try JSONReader.parse(bytes)
///     try JSONReader.read(bytes) { reader in try reader.readObject { key, reader in … } }
public struct JSONReader {
    /// Deepest nesting of arrays and objects accepted; deeper input is an error, never a stack overflow.
    public static let maximumDepth = 128

    private let base: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0

    private init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

    /// Parses a whole JSON text into a tree.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        try read(bytes) { reader throws(JSONError) in try reader.readValue() }
    }

    /// Parses a JSON text held in a String.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Runs `body` with a reader over `bytes` and checks that only whitespace follows what it read.
    public static func read<T>(
        _ bytes: some Collection<UInt8>, _ body: (inout JSONReader) throws(JSONError) -> T
    ) throws(JSONError) -> T {
        let result: Result<T, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) -> T in try read(buffer: buffer, body) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONError) -> T in try read(buffer: buffer, body) }
    }

    private static func read<T>(
        buffer: UnsafeBufferPointer<UInt8>, _ body: (inout JSONReader) throws(JSONError) -> T
    ) throws(JSONError) -> T {
        var reader = JSONReader(buffer)
        reader.skipWhitespace()
        if reader.position == buffer.count { throw JSONError("empty input", offset: 0) }
        let value = try body(&reader)
        reader.skipWhitespace()
        if reader.position != buffer.count { throw reader.error("unexpected data after the JSON value") }
        return value
    }

    // MARK: - Trees

    /// Reads any JSON value.
    public mutating func readValue() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard position < base.count else { throw error("unexpected end of input") }
        switch base[position] {
        case UInt8(ascii: "{"):
            var object = JSONObject()
            try readObject { key, reader throws(JSONError) in object[key] = try reader.readValue() }
            return .object(object)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try readArray { reader throws(JSONError) in elements.append(try reader.readValue()) }
            return .array(elements)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: return try readNumber()
        }
    }

    /// Reads an object, handing each member's key to `body`, which must read the member's value.
    public mutating func readObject(
        _ body: (String, inout JSONReader) throws(JSONError) -> Void
    ) throws(JSONError) {
        try readMembers(decodingKeys: true) { key, reader throws(JSONError) in try body(key!, &reader) }
    }

    /// The member loop of an object; keys are decoded only when asked (skipping needs none).
    private mutating func readMembers(
        decodingKeys: Bool, _ body: (String?, inout JSONReader) throws(JSONError) -> Void
    ) throws(JSONError) {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            var key: String?
            if decodingKeys { key = try readString() } else { try skipString() }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            try body(key, &self)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            depth -= 1
            return
        }
    }

    /// Reads an object keeping only the members named in `keys` (each read whole); the others
    /// are skipped unbuilt. For large answers of which a few fields matter (a CrossRef work's
    /// reference list, an OpenAlex work's related works).
    public mutating func readObject(keeping keys: Set<String>) throws(JSONError) -> JSONObject {
        var object = JSONObject()
        try readObject { key, reader throws(JSONError) in
            if keys.contains(key) { object[key] = try reader.readValue() } else { try reader.skipValue() }
        }
        return object
    }

    /// Reads an array of objects, each keeping only the members named in `keys`; elements that
    /// are not objects are skipped.
    public mutating func readObjects(keeping keys: Set<String>) throws(JSONError) -> [JSONObject] {
        var objects: [JSONObject] = []
        try readArray { reader throws(JSONError) in
            if reader.peekKind() == .object {
                objects.append(try reader.readObject(keeping: keys))
            } else {
                try reader.skipValue()
            }
        }
        return objects
    }

    /// Skips the next value without building it: its structure is checked (nesting, string
    /// ends, literals, numbers), its strings are not decoded.
    public mutating func skipValue() throws(JSONError) {
        skipWhitespace()
        guard position < base.count else { throw error("unexpected end of input") }
        switch base[position] {
        case UInt8(ascii: "{"):
            try readMembers(decodingKeys: false) { _, reader throws(JSONError) in try reader.skipValue() }
        case UInt8(ascii: "["): try readArray { reader throws(JSONError) in try reader.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default: _ = try readNumber()
        }
    }

    private mutating func skipString() throws(JSONError) {
        try expect(UInt8(ascii: "\""))
        while position < base.count {
            let byte = base[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return }
            if byte == UInt8(ascii: "\\") {
                position += 1
            } else if byte < 0x20 {
                throw error("control character in string")
            }
        }
        throw error("unterminated string")
    }

    /// Reads an array, calling `body` once per element; `body` must read the element.
    public mutating func readArray(_ body: (inout JSONReader) throws(JSONError) -> Void) throws(JSONError) {
        skipWhitespace()
        try expect(UInt8(ascii: "["))
        try enter()
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            try body(&self)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            depth -= 1
            return
        }
    }

    /// True (and consumed) when the next value is `null`.
    public mutating func readNullIfPresent() throws(JSONError) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    /// The kind of the next value, without consuming it.
    public mutating func peekKind() -> JSONKind? {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case nil: return nil
        default: return .number
        }
    }

    // MARK: - Numbers straight into floats

    /// Reads an array of numbers into `[Float]`, each rounded as a float32 cast of its
    /// correctly rounded double value. Returns nil (having consumed the array) when an element
    /// is not a number.
    public mutating func readFloatArray() throws(JSONError) -> [Float]? {
        var floats: [Float] = []
        var allNumbers = true
        try readArray { reader throws(JSONError) in
            reader.skipWhitespace()
            if allNumbers, let value = try reader.scanFloat() {
                floats.append(value)
            } else {
                allNumbers = false
                _ = try reader.readValue()
            }
        }
        return allNumbers ? floats : nil
    }

    /// The float path of number scanning: the decimal's first 19 significant digits and a
    /// power of ten within ±22 give a double within a few ulps of the exact value; that double
    /// is rounded to float32 directly unless it lies so close to the midpoint between two
    /// floats that those ulps could matter, in which case the number is re-read exactly.
    private mutating func scanFloat() throws(JSONError) -> Float? {
        guard let decimal = try scanDecimal() else { return nil }
        if abs(decimal.exponent) <= 22 {
            let power = Self.exactPowersOfTen[abs(decimal.exponent)]
            let magnitude = decimal.exponent < 0 ? Double(decimal.mantissa) / power : Double(decimal.mantissa) * power
            let rounded = Float(magnitude)
            if rounded.isFinite, !Self.nearFloatMidpoint(magnitude, rounded) {
                return decimal.negative ? -rounded : rounded
            }
        }
        return Float(try doubleValue(of: decimal))
    }

    /// True when `value` is within a few double ulps of a midpoint between two adjacent floats
    /// (where an inexact double could round to the wrong float).
    @inline(__always)
    private static func nearFloatMidpoint(_ value: Double, _ rounded: Float) -> Bool {
        let float = Double(rounded)
        let halfGap = Double(rounded.ulp) / 2
        let distanceToMidpoint = abs(abs(value - float) - halfGap)
        return distanceToMidpoint <= 8 * value.ulp
    }

    /// Reads a string's raw UTF-8 bytes between the quotes (escapes are not decoded; used for base64).
    public mutating func readRawString() throws(JSONError) -> UnsafeBufferPointer<UInt8> {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < base.count, base[position] != UInt8(ascii: "\"") {
            if base[position] == UInt8(ascii: "\\") { throw error("escape sequence not allowed here") }
            position += 1
        }
        guard position < base.count else { throw error("unterminated string") }
        let slice = UnsafeBufferPointer(rebasing: base[start..<position])
        position += 1
        return slice
    }

    // MARK: - Scalars

    public mutating func readString() throws(JSONError) -> String {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        let start = position
        // Fast path: no escapes.
        while position < base.count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: base[start..<position])
                position += 1
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw JSONError("invalid UTF-8 in string", offset: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        var bytes = Array(UnsafeBufferPointer(rebasing: base[start..<position]))
        while position < base.count {
            let byte = base[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    throw JSONError("invalid UTF-8 in string", offset: start)
                }
                return string
            case UInt8(ascii: "\\"):
                try readEscape(into: &bytes)
            case 0..<0x20:
                throw error("control character in string")
            default:
                bytes.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private mutating func readEscape(into bytes: inout [UInt8]) throws(JSONError) {
        guard position < base.count else { throw error("unterminated escape") }
        let byte = base[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard position + 1 < base.count, base[position] == UInt8(ascii: "\\"),
                    base[position + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate") }
                position += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("unpaired surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
            bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw error("invalid escape sequence")
        }
    }

    private mutating func readHex4() throws(JSONError) -> UInt32 {
        guard position + 4 <= base.count else { throw error("truncated unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in unicode escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func readNumber() throws(JSONError) -> JSONValue {
        let start = position
        guard let number = try scanNumber() else { throw JSONError("unexpected character", offset: start) }
        return number
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A JSON number as scanned: its first 19 significant digits, the power of ten that
    /// scales them, and whether digits were dropped.
    private struct Decimal {
        var negative = false
        var mantissa: UInt64 = 0
        var exponent = 0
        /// No non-zero digit was dropped from `mantissa`.
        var exact = true
        /// No fraction and no exponent.
        var isInteger = true
        var start = 0
        var end = 0
    }

    /// Scans a JSON number (strict JSON syntax). Returns nil when the next byte cannot start one.
    private mutating func scanDecimal() throws(JSONError) -> Decimal? {
        var decimal = Decimal(start: position)
        if peek() == UInt8(ascii: "-") {
            decimal.negative = true
            position += 1
        }
        var significantDigits = 0
        func take(_ digit: UInt8, fraction: Bool) {
            if significantDigits < 19 {
                decimal.mantissa = decimal.mantissa * 10 + UInt64(digit)
                if decimal.mantissa != 0 { significantDigits += 1 }
                if fraction { decimal.exponent -= 1 }
            } else if fraction {
                if digit != 0 { decimal.exact = false }
            } else {
                decimal.exponent += 1
                if digit != 0 { decimal.exact = false }
            }
        }
        let integerStart = position
        while position < base.count, case let digit = base[position] &- UInt8(ascii: "0"), digit < 10 {
            take(digit, fraction: false)
            position += 1
        }
        let integerDigits = position - integerStart
        if integerDigits == 0 {
            if decimal.negative { throw error("invalid number") }
            return nil
        }
        if integerDigits > 1, base[integerStart] == UInt8(ascii: "0") { throw error("leading zero in number") }
        if peek() == UInt8(ascii: ".") {
            decimal.isInteger = false
            position += 1
            let fractionStart = position
            while position < base.count, case let digit = base[position] &- UInt8(ascii: "0"), digit < 10 {
                take(digit, fraction: true)
                position += 1
            }
            if position == fractionStart { throw error("digit expected after decimal point") }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            decimal.isInteger = false
            position += 1
            var exponentNegative = false
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                position += 1
            }
            let exponentStart = position
            var exponent = 0
            while position < base.count, case let digit = base[position] &- UInt8(ascii: "0"), digit < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(digit) }
                position += 1
            }
            if position == exponentStart { throw error("digit expected in exponent") }
            decimal.exponent += exponentNegative ? -exponent : exponent
        }
        decimal.end = position
        return decimal
    }

    /// Scans a JSON number. Integers that fit in Int64 become `.int`; everything else `.double`.
    /// Returns nil when the next byte cannot start a number.
    private mutating func scanNumber() throws(JSONError) -> JSONValue? {
        guard let decimal = try scanDecimal() else { return nil }
        if decimal.isInteger, decimal.exact, decimal.exponent == 0 {
            let mantissa = decimal.mantissa
            if decimal.negative, mantissa <= UInt64(Int64.max) + 1 {
                return .int(mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa))
            }
            if !decimal.negative, mantissa <= UInt64(Int64.max) { return .int(Int64(mantissa)) }
        }
        return .double(try doubleValue(of: decimal))
    }

    /// The correctly rounded double of a scanned number.
    private func doubleValue(of decimal: Decimal) throws(JSONError) -> Double {
        // Clinger's fast path: both the mantissa and the power of ten are exact doubles.
        if decimal.exact, decimal.mantissa < (1 << 53), abs(decimal.exponent) <= 22 {
            let power = Self.exactPowersOfTen[abs(decimal.exponent)]
            let value = decimal.exponent < 0 ? Double(decimal.mantissa) / power : Double(decimal.mantissa) * power
            return decimal.negative ? -value : value
        }
        let value = slowParseDouble(from: decimal.start, to: decimal.end)
        guard value.isFinite else { throw JSONError("number out of range", offset: decimal.start) }
        return value
    }

    private func slowParseDouble(from start: Int, to end: Int) -> Double {
        // strtod wants a terminated string; a copy on the stack, as this runs for about half
        // the floats a client sends (those with 17 significant digits miss the fast path).
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: end - start + 1) { text in
            UnsafeMutableRawBufferPointer(text).copyMemory(
                from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: base[start..<end])))
            text[end - start] = 0
            return strtod(text.baseAddress!, nil)
        }
    }

    // MARK: - Plumbing

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private func peek() -> UInt8? { position < base.count ? base[position] : nil }

    private mutating func skipWhitespace() {
        while position < base.count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        guard peek() == byte else {
            throw error(
                position < base.count ? "expected '\(Character(Unicode.Scalar(byte)))'" : "unexpected end of input")
        }
        position += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= base.count else { throw error("unexpected end of input") }
        for index in 0..<count where base[position + index] != literal.utf8Start[index] {
            throw error("invalid literal")
        }
        position += count
    }

    private func error(_ message: String) -> JSONError { JSONError(message, offset: position) }
}

/// The kind of a JSON value, as seen before reading it.
public enum JSONKind: Sendable {
    case object, array, string, number, bool, null
}
