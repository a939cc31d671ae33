import Foundation
import JWTKit
import Testing

@testable import HTTPSecurity

@Suite struct AccessTokenTests {
    static let secret = "a-test-secret-of-at-least-32-bytes!"
    let token = try! AccessToken(secret: Self.secret)

    /// A token signed with `secret` by JWTKit itself, with whatever claims and algorithm a test needs.
    func forged(_ payload: some JWTPayload, algorithm: DigestAlgorithm = .sha256, secret: String = secret)
        async throws -> String
    {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: algorithm)
        return try await keys.sign(payload)
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim?
        var nbf: NotBeforeClaim?
        var iat: IssuedAtClaim?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test func mintedTokenVerifies() async throws {
        #expect(try await token.verify(token.mint(subject: "alice", minutes: 60)) == "alice")
    }

    @Test func tokenOfAnotherSecretIsRejected() async throws {
        let foreign = try await AccessToken(secret: "another-secret-of-at-least-32-bytes").mint(
            subject: "m", minutes: 5)
        await #expect(throws: AccessTokenError.self) { try await token.verify(foreign) }
    }

    @Test func expiredTokenIsRejected() async throws {
        let old = try await token.mint(subject: "alice", minutes: 1, now: Date().addingTimeInterval(-3600))
        await #expect(throws: AccessTokenError.self) { try await token.verify(old) }
    }

    @Test func tokenWithoutExpiryIsRejected() async throws {
        let forever = try await forged(Claims(sub: "alice"))
        await #expect(throws: AccessTokenError.self) { try await token.verify(forever) }
    }

    @Test func tokenNotYetValidIsRejected() async throws {
        let later = Date().addingTimeInterval(3600)
        let early = try await forged(
            Claims(sub: "alice", exp: .init(value: later.addingTimeInterval(60)), nbf: .init(value: later)))
        await #expect(throws: AccessTokenError.self) { try await token.verify(early) }
        let future = try await forged(
            Claims(sub: "alice", exp: .init(value: later.addingTimeInterval(60)), iat: .init(value: later)))
        await #expect(throws: AccessTokenError.self) { try await token.verify(future) }
    }

    @Test func shortSecretsAreRefused() {
        #expect(throws: AccessTokenError.self) { try AccessToken(secret: "short") }
    }

    @Test func otherAlgorithmsAreRejected() async throws {
        let exp = ExpirationClaim(value: Date().addingTimeInterval(300))
        let long = String(repeating: "k", count: 64)  // HS512 keys are 64 bytes
        let hs512 = try await forged(Claims(sub: "alice", exp: exp), algorithm: .sha512, secret: long)
        await #expect(throws: AccessTokenError.self) { try await AccessToken(secret: long).verify(hs512) }
        // alg "none": the header names no signature and the signature is empty.
        let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URL
        let payload = Data(#"{"sub":"admin","exp":9999999999}"#.utf8).base64URL
        await #expect(throws: AccessTokenError.self) { try await token.verify("\(header).\(payload).") }
    }

    @Test func tamperedPayloadIsRejected() async throws {
        var parts = try await token.mint(subject: "alice", minutes: 5).split(separator: ".").map(String.init)
        parts[1] = Data(#"{"sub":"admin","exp":9999999999}"#.utf8).base64URL
        await #expect(throws: AccessTokenError.self) { try await token.verify(parts.joined(separator: ".")) }
    }

    @Test func garbageIsRejected() async {
        for garbage in ["not-a-token", "", "a.b.c", "....", String(repeating: "x", count: 100_000)] {
            await #expect(throws: AccessTokenError.self) { try await token.verify(garbage) }
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
