import Foundation
import Testing

@testable import Thoth

@Suite struct AccessTokenTests {
    let token = AccessToken(secret: "a-test-secret")

    @Test func mintedTokenVerifies() throws {
        let claims = try token.verify(token.mint(subject: "alice", minutes: 5))
        #expect(claims["sub"] == "alice")
    }

    @Test func tokenOfAnotherSecretIsRejected() {
        let foreign = AccessToken(secret: "another").mint(subject: "mallory", minutes: 5)
        #expect(throws: ThothError.self) { try token.verify(foreign) }
    }

    @Test func expiredTokenIsRejected() {
        let old = token.mint(subject: "alice", minutes: 1, now: Date().addingTimeInterval(-3600))
        #expect(throws: ThothError.self) { try token.verify(old) }
    }

    @Test func tamperedPayloadIsRejected() {
        var parts = token.mint(subject: "alice", minutes: 5).split(separator: ".").map(String.init)
        parts[1] = AccessToken.base64URL(Data(#"{"sub":"admin","exp":9999999999}"#.utf8))
        #expect(throws: ThothError.self) { try token.verify(parts.joined(separator: ".")) }
    }

    @Test func garbageIsRejected() {
        #expect(throws: ThothError.self) { try token.verify("not-a-token") }
    }
}
