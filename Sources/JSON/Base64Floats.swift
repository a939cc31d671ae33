/// Decodes Chroma's base64 embedding form: standard alphabet, padded, the raw bytes of a
/// little-endian float32 array. Decoded straight into `[Float]`, no intermediate `Data`.
public enum Base64Floats {
    public enum DecodingError: Error, Equatable, Sendable {
        case invalidPadding
        case invalidSymbol(UInt8, offset: Int)
        /// The decoded byte count is not a multiple of four.
        case invalidByteLength(Int)
    }

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    public static func decode(_ text: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> [Float] {
        let count = text.count
        guard count % 4 == 0 else { throw .invalidPadding }
        var padding = 0
        if count > 0, text[count - 1] == UInt8(ascii: "=") { padding += 1 }
        if count > 1, text[count - 2] == UInt8(ascii: "=") { padding += 1 }
        let byteCount = count / 4 * 3 - padding
        // Decode into a buffer rounded up to whole groups, then check the length: Chroma
        // reports a bad symbol before a bad length.
        var bytes = [UInt8](repeating: 0, count: count / 4 * 3)
        var failure: DecodingError?
        table.withUnsafeBufferPointer { table in
            bytes.withUnsafeMutableBufferPointer { out in
                var index = 0, written = 0
                while index < count {
                    let last = index + 4 == count
                    var quad: UInt32 = 0
                    for offset in 0..<4 {
                        let symbol = text[index + offset]
                        let value = table[Int(symbol)]
                        if value == 0xFF {
                            if symbol == UInt8(ascii: "="), last, offset >= 4 - padding {
                                quad <<= 6
                                continue
                            }
                            failure =
                                symbol == UInt8(ascii: "=")
                                ? .invalidPadding : .invalidSymbol(symbol, offset: index + offset)
                            return
                        }
                        quad = quad << 6 | UInt32(value)
                    }
                    out[written] = UInt8(truncatingIfNeeded: quad >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: quad >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: quad)
                    written += 3
                    index += 4
                }
            }
        }
        if let failure { throw failure }
        guard byteCount % 4 == 0 else { throw .invalidByteLength(byteCount) }
        return [Float](unsafeUninitializedCapacity: byteCount / 4) { floats, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(floats).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[0..<byteCount]))
            }
            initialized = byteCount / 4
        }
    }

    /// Encodes floats the way Chroma's clients do (for tests and the remote client).
    public static func encode(_ floats: [Float]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(floats.count * 4)
        for value in floats {
            let bits = value.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var quad: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { quad |= UInt32(byte) << (16 - 8 * offset) }
            for offset in 0..<4 {
                out.append(offset <= chunk.count ? alphabet[Int(quad >> (18 - 6 * offset) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
