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
}
