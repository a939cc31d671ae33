import Testing

@testable import HTTPSecurity

@Suite struct HostPolicyTests {
    let loopback = HostPolicy(
        allowedOrigins: ["http://localhost:3000", "https://notes.example.org"], bindHost: "127.0.0.1")

    @Test func clientsWithoutOriginPass() {
        #expect(loopback.rejection(origin: nil, host: "127.0.0.1:8001") == nil)
        #expect(loopback.rejection(origin: nil, host: nil) == nil)
    }

    @Test func localPagesAndListedOriginsPass() {
        for origin in [
            "http://localhost:8000", "http://127.0.0.1:5173", "http://[::1]:8000", "https://notes.example.org",
        ] {
            #expect(loopback.rejection(origin: origin, host: "localhost:8000") == nil, "\(origin)")
        }
    }

    @Test func foreignOriginsAreRefused() {
        for origin in [
            "http://evil.example", "null", "http://localhost.evil.example", "file://", "http://127.0.0.1.nip.io",
        ] {
            #expect(loopback.rejection(origin: origin, host: "127.0.0.1:8000") != nil, "\(origin)")
        }
    }

    @Test func rebindingHostNamesAreRefusedOnLoopback() {
        #expect(loopback.rejection(origin: nil, host: "evil.example:8001") != nil)
        #expect(loopback.rejection(origin: nil, host: "[::1]:8001") == nil)
        #expect(loopback.rejection(origin: nil, host: "notes.example.org") == nil)
    }

    @Test func wildcardBindsDoNotCheckHost() {
        let open = HostPolicy(allowedOrigins: [], bindHost: "0.0.0.0")
        #expect(open.rejection(origin: nil, host: "thoth-app:8000") == nil)
        #expect(open.rejection(origin: "http://evil.example", host: "thoth-app:8000") != nil)
    }

    @Test func starAllowsAnyOrigin() {
        #expect(
            HostPolicy(allowedOrigins: ["*"], bindHost: "0.0.0.0").rejection(origin: "http://a.example", host: nil)
                == nil)
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equal("s3cret", "s3cret"))
        #expect(!ConstantTime.equal("s3cret", "s3cre"))
        #expect(!ConstantTime.equal("", "s3cret"))
    }
}
