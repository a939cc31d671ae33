/// Chroma's naming rules for tenants, databases and collections.
enum NameRules {
    /// Collections and databases: 3–512 characters from [a-zA-Z0-9._-], alphanumeric at both
    /// ends, no "..", and not an IP address.
    static func validateResourceName(_ name: String) throws(VectorStoreError) {
        let bytes = Array(name.utf8)
        let valid =
            (3...512).contains(bytes.count)
            && bytes.allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
            && isAlphanumeric(bytes.first!) && isAlphanumeric(bytes.last!)
            && !name.contains("..") && !isIPv4(name)
        guard valid else {
            throw .invalidArgument(
                "Validation error: name: Expected a name containing 3-512 characters from [a-zA-Z0-9._-], "
                    + "starting and ending with a character in [a-zA-Z0-9]. Got: \(name)")
        }
    }

    /// Tenants: Chroma 1.5.9 only checks the length.
    static func validateTenantName(_ name: String) throws(VectorStoreError) {
        guard name.count >= 3 else {
            throw .invalidArgument("Validation error: name: Validation error: length must be at least 3")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isIPv4(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil }
    }
}
