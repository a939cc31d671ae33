/// A fingerprint of a file's indexed form, to re-embed only what changed. FNV-1a, 64 bits:
/// change detection needs no cryptographic strength, and the settings that shape the chunks
/// are hashed in too, so changing them re-indexes everything.
enum ContentHash {
    static func of(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
