import Crypto

/// Secret comparison that takes the same time wherever the inputs differ: both sides are
/// hashed first, so neither the position of the first difference nor the length leaks.
public enum ConstantTime {
    public static func equal(_ presented: some StringProtocol, _ secret: some StringProtocol) -> Bool {
        let a = SHA256.hash(data: Array(presented.utf8))
        let b = SHA256.hash(data: Array(secret.utf8))
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
