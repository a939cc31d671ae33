import Crypto
import Foundation
import JSON

/// HS256 JSON Web Tokens for `THOTH_AUTH_ENABLED`: minted by `thoth token create`, checked on
/// every request to the API and MCP listeners (health checks stay open).
public struct AccessToken: Sendable {
    let secret: [UInt8]

    public init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// A token for `subject`, valid for `minutes`.
    public func mint(subject: String, minutes: Int, now: Date = Date()) -> String {
        let header = Self.base64URL(Data(JSONWriter.serialize(["alg": "HS256", "typ": "JWT"])))
        let issued = Int64(now.timeIntervalSince1970)
        let claims: JSONValue = [
            "sub": .string(subject), "iat": .int(issued), "exp": .int(issued + Int64(minutes) * 60),
        ]
        let payload = Self.base64URL(Data(JSONWriter.serialize(claims)))
        return "\(header).\(payload).\(signature(header + "." + payload))"
    }

    /// The claims of a valid, unexpired token; throws `ThothError` saying what is wrong otherwise.
    public func verify(_ token: String, now: Date = Date()) throws -> JSONObject {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = Self.decode(parts[0]), let payloadData = Self.decode(parts[1]),
            case .object(let header)? = try? JSONReader.parse(Array(headerData)),
            case .object(let claims)? = try? JSONReader.parse(Array(payloadData))
        else { throw ThothError(.invalidRequest, "The bearer token is not a JWT") }
        guard header["alg"]?.stringValue == "HS256" else {
            throw ThothError(.invalidRequest, "The bearer token must be signed with HS256")
        }
        guard let signature = Self.decode(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(
                signature, authenticating: Data((parts[0] + "." + parts[1]).utf8), using: key)
        else { throw ThothError(.invalidRequest, "The bearer token's signature is invalid") }
        if let expiry = claims["exp"]?.doubleValue, expiry < now.timeIntervalSince1970 {
            throw ThothError(.invalidRequest, "The bearer token has expired")
        }
        return claims
    }

    private func signature(_ text: String) -> String {
        Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
