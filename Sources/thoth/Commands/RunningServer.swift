import ArgumentParser
import Foundation
import HTTPSecurity
import JSON
import JSONHTTP
import Thoth

/// The API of a `thoth server` running on this configuration, as the CLI commands that prefer
/// it (`rag`, `agent`) reach it: a token is minted when the server requires one.
enum RunningServer {
    static func apiURL() throws -> URL {
        try ServerAddressOptions.resolve().api
    }

    static func isRunning() async -> Bool {
        let client = JSONHTTPClient(timeout: 2, maxRetries: 0)
        guard let url = try? apiURL() else { return false }
        return (try? await client.send("GET", url.appendingPathComponent("health")))?.status == 200
    }

    /// `Authorization` for the server when it requires tokens (minted from its own secret), else none.
    static func authorization(subject: String, minutes: Int) async throws -> [String: String] {
        let configuration = try ThothConfiguration.load()
        guard configuration.authEnabled, let secret = configuration.jwtSecret else { return [:] }
        let token = try await AccessToken(secret: secret).mint(subject: subject, minutes: minutes)
        return ["Authorization": "Bearer " + token]
    }

    /// GETs `path` and returns the JSON object answered; any other answer is an error.
    static func get(_ path: String, subject: String) async throws -> JSONObject {
        let headers = try await authorization(subject: subject, minutes: 5)
        let reply = try await JSONHTTPClient(headers: headers, timeout: 30, maxRetries: 2)
            .send("GET", try apiURL().appendingPathComponent(path))
        guard reply.isSuccess, let object = reply.json?.objectValue else {
            throw ValidationError("The server answered HTTP \(reply.status): \(reply.message)")
        }
        return object
    }

    /// POSTs `body` to `path` and returns the JSON answer; any other answer is an error, except
    /// a JSON error answer when `acceptingErrors`.
    static func post(
        _ path: String, body: JSONValue, subject: String, tokenMinutes: Int, timeout: TimeInterval,
        acceptingErrors: Bool = false
    ) async throws -> JSONValue {
        let headers = try await authorization(subject: subject, minutes: tokenMinutes)
        let client = JSONHTTPClient(headers: headers, timeout: timeout, maxRetries: 0)
        let reply = try await client.send("POST", try apiURL().appendingPathComponent(path), body: body)
        guard reply.isSuccess || (acceptingErrors && reply.status < 500), let json = reply.json else {
            throw ValidationError("The server answered HTTP \(reply.status): \(reply.message)")
        }
        return json
    }
}
