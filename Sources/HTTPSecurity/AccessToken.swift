import Foundation
import JWTKit

/// HS256 JSON Web Tokens for `THOTH_AUTH_ENABLED` (JWTKit): minted by `thoth token create`,
/// checked on every protected route of the API and MCP listeners. A token must carry `exp`;
/// `nbf` and `iat` are honoured; only HS256 is accepted, whatever the token's header says.
public struct AccessToken: Sendable {
    /// Clock difference tolerated between the minting and the verifying machine.
    static let leeway: TimeInterval = 60

    /// RFC 7518 §3.2: an HS256 key is at least as long as the hash (JWTKit asserts it).
    public static let minimumSecretBytes = 32

    private let keys: Task<JWTKeyCollection, Never>

    /// Throws `AccessTokenError` for a secret shorter than `minimumSecretBytes`.
    public init(secret: String) throws {
        guard secret.utf8.count >= Self.minimumSecretBytes else {
            throw AccessTokenError(
                reason:
                    "The token secret is \(secret.utf8.count) bytes; HS256 needs at least \(Self.minimumSecretBytes)")
        }
        let key = HMACKey(from: Array(secret.utf8))
        keys = Task { await JWTKeyCollection().add(hmac: key, digestAlgorithm: .sha256) }
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim?
        var nbf: NotBeforeClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            let now = Date()
            try exp.verifyNotExpired(currentDate: now)
            try nbf?.verifyNotBefore(currentDate: now.addingTimeInterval(AccessToken.leeway))
            if let iat, iat.value > now.addingTimeInterval(AccessToken.leeway) {
                throw JWTError.claimVerificationFailure(failedClaim: iat, reason: "issued in the future")
            }
        }
    }

    /// A token for `subject`, valid for `minutes` from `now`.
    public func mint(subject: String, minutes: Int, now: Date = Date()) async throws -> String {
        let claims = Claims(
            sub: SubjectClaim(value: subject),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(minutes) * 60)),
            iat: IssuedAtClaim(value: now), nbf: nil)
        return try await keys.value.sign(claims, header: ["alg": "HS256", "typ": "JWT"])
    }

    /// The subject of a valid token; throws `AccessTokenError` saying what is wrong otherwise.
    public func verify(_ token: String) async throws -> String {
        do {
            return try await keys.value.verify(token, as: Claims.self).sub.value
        } catch let error as JWTError {
            throw AccessTokenError(reason: Self.describe(error))
        } catch {
            throw AccessTokenError(reason: "The bearer token is not a valid JWT")
        }
    }

    static func describe(_ error: JWTError) -> String {
        switch error.errorType {
        case .claimVerificationFailure:
            if error.failedClaim is ExpirationClaim { return "The bearer token has expired" }
            if error.failedClaim is NotBeforeClaim { return "The bearer token is not valid yet" }
            return "The bearer token's claims are invalid: \(error.reason ?? "")"
        case .signatureVerificationFailed: return "The bearer token's signature is invalid"
        case .unknownKID, .noKeyProvided: return "The bearer token must be signed with HS256"
        default: return "The bearer token is not a valid JWT (HS256, with an expiry)"
        }
    }
}

/// Why a presented token was refused.
public struct AccessTokenError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
