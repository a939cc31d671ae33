import Foundation
import Testing

@testable import JSON

@Suite struct JSONReaderTests {
    @Test func integersAndFloatsStayDistinct() throws {
        #expect(try JSONReader.parse("1") == .int(1))
        #expect(try JSONReader.parse("1.0") == .double(1.0))
        #expect(try JSONReader.parse("-0.5e2") == .double(-50))
        #expect(try JSONReader.parse("9223372036854775807") == .int(.max))
        #expect(try JSONReader.parse("-9223372036854775808") == .int(.min))
        #expect(try JSONReader.parse("12345678901234567890") == .double(12345678901234567890))
    }

    @Test func numbersParseLikeStrtod() throws {
        for text in [
            "0.10000000149011612", "3.141592653589793", "1e-300", "2.2250738585072014e-308",
            "123456789012345678901234e-5", "0.000001",
        ] {
            let expected = Double(text)!
            #expect(try JSONReader.parse(text) == .double(expected), "\(text)")
        }
    }

    @Test func floatArraysMatchFloatCastOfDouble() throws {
        let values: [Double] = (0..<500).map { Double($0) * 0.0137 - 3.3 }
        let text = "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        let floats = try JSONReader.read(Array(text.utf8)) { reader throws(JSONError) in try reader.readFloatArray() }
        #expect(floats == values.map { Float($0) })
        let mixed = try JSONReader.read(Array("[1, \"a\", 2]".utf8)) { reader throws(JSONError) in
            try reader.readFloatArray()
        }
        #expect(mixed == nil)
    }

    @Test func floatFastPathMatchesCorrectRoundingEverywhere() throws {
        var state: UInt64 = 12345
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var texts: [String] = []
        for _ in 0..<20000 {
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: next()) & 0x3FFF_FFFF | 0x3000_0000)
            texts.append("\(Double(float))")  // how Python prints float32 widened to double
            texts.append("\(float)")  // shortest float text
            // Midpoints between adjacent floats, and decimals a hair on either side of them.
            let midpoint = (Double(float) + Double(float.nextUp)) / 2
            texts.append(String(format: "%.17g", midpoint))
            texts.append(String(format: "%.19g", midpoint.nextUp))
            texts.append(String(format: "%.19g", midpoint.nextDown))
            texts.append("-0.\(next() % 1_000_000_000_000_000_000)")
        }
        let text = "[" + texts.joined(separator: ",") + "]"
        let floats = try JSONReader.read(Array(text.utf8)) { reader throws(JSONError) in try reader.readFloatArray() }
        let expected = texts.map { Float(Double($0)!) }
        #expect(floats?.count == expected.count)
        for (index, (got, want)) in zip(floats ?? [], expected).enumerated() where got != want {
            Issue.record("\(texts[index]): got \(got), want \(want)")
            break
        }
    }

    @Test func objectsKeepOrderAndNest() throws {
        let value = try JSONReader.parse(#"{"b": [1, {"c": null}], "a": "x\n\u00e9\ud83d\ude00"}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["b", "a"])
        #expect(object["a"] == .string("x\né😀"))
        #expect(object["b"] == .array([.int(1), .object(JSONObject([(key: "c", value: .null)]))]))
    }

    @Test func malformedInputIsAnErrorNotACrash() {
        for text in [
            "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "tru", "[1] 2", "\"\\ud800\"", "1e999",
            "\"a\u{01}\"",
        ] {
            #expect(throws: JSONError.self, "\(text)") { try JSONReader.parse(text) }
        }
    }

    @Test func deepNestingIsRejected() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONReader.parse(deep) }
    }

    @Test func writerRoundTrips() throws {
        let value: JSONValue = ["s": "q\"\\\u{1}", "i": 3, "f": 1.0, "b": true, "n": nil, "a": [1.5, -2]]
        let text = JSONWriter.string(value)
        #expect(text.contains("\"f\":1.0"))
        #expect(try JSONReader.parse(text) == value)
    }

    @Test func base64DecodesLittleEndianFloat32() throws {
        let floats: [Float] = [1, 0, 0, 1.5, -2.25, .leastNonzeroMagnitude]
        let encoded = Base64Floats.encode(floats)
        let decoded = try Array(encoded.utf8).withUnsafeBufferPointer { try Base64Floats.decode($0) }
        #expect(decoded == floats)
        #expect(
            try Array("AACAPwAAAAAAAAAA".utf8).withUnsafeBufferPointer { try Base64Floats.decode($0) } == [1, 0, 0])
    }

    @Test func base64RejectsBadInput() {
        func decode(_ text: String) throws -> [Float] {
            try Array(text.utf8).withUnsafeBufferPointer { try Base64Floats.decode($0) }
        }
        #expect(throws: Base64Floats.DecodingError.invalidPadding) { try decode("AAA") }
        #expect(throws: Base64Floats.DecodingError.invalidSymbol(UInt8(ascii: "!"), offset: 0)) { try decode("!AAA") }
        #expect(throws: Base64Floats.DecodingError.invalidByteLength(6)) { try decode("AAAAAAAA") }
        #expect(throws: Base64Floats.DecodingError.invalidPadding) { try decode("AA=A") }
    }

    /// Keeping a few members skips the others unbuilt, yet a malformed skipped value is still an error.
    @Test func keepingSomeMembersSkipsTheRestButNotTheirErrors() throws {
        let text =
            #"{"big": {"refs": [1, 2.5e3, "a\"b", {"x": [true, false, null]}], "s": "\u00e9"}, "title": ["T"], "n": -0}"#
        let kept = try JSONReader.read(Array(text.utf8)) { reader throws(JSONError) in
            try reader.readObject(keeping: ["title", "n"])
        }
        #expect(kept == ["title": ["T"], "n": 0])
        for broken in [
            #"{"big": [1, 2}, "title": 1}"#, #"{"big": "unterminated}"#, #"{"big": tru, "title": 1}"#,
            #"{"big": {"a" 1}, "title": 1}"#, "{\"big\": \"a\u{01}b\", \"title\": 1}",
        ] {
            #expect(throws: JSONError.self) {
                try JSONReader.read(Array(broken.utf8)) { reader throws(JSONError) in
                    try reader.readObject(keeping: ["title"])
                }
            }
        }
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONError.self) {
            try JSONReader.read(Array(("{\"a\": " + deep + "}").utf8)) { reader throws(JSONError) in
                try reader.readObject(keeping: [])
            }
        }
    }
}
