import Foundation
import JSON
import JSONHTTP

extension JSONHTTPClient {
    /// POSTs a chat request to a model's server; an unreachable server or a non-2xx answer is an
    /// `LLMError` in words for a user (`keyHint` names the setting to check on 401/403).
    func modelReply(_ url: URL, body: JSONValue, endpoint: String, keyHint: String) async throws -> Reply {
        try Self.checked(try await reaching(endpoint) { try await send("POST", url, body: body) }, keyHint: keyHint)
    }

    /// `modelReply` for a streamed answer: each server-sent event goes to `onEvent`.
    func modelEvents(
        _ url: URL, body: JSONValue, endpoint: String, keyHint: String,
        onEvent: @Sendable (ServerSentEvent) async throws -> Void
    ) async throws {
        _ = try Self.checked(
            try await reaching(endpoint) { try await events(url, body: body, onEvent: onEvent) }, keyHint: keyHint)
    }

    private func reaching(_ endpoint: String, _ request: () async throws -> Reply) async throws -> Reply {
        do {
            return try await request()
        } catch let error as JSONHTTPError {
            throw LLMError("The language model at \(endpoint) could not be reached: \(error.reason)")
        }
    }

    private static func checked(_ reply: Reply, keyHint: String) throws -> Reply {
        guard reply.isSuccess else {
            let hint = reply.status == 401 || reply.status == 403 ? " (check \(keyHint))" : ""
            throw LLMError(
                "The language model answered HTTP \(reply.status)\(hint): \(reply.message)", status: reply.status)
        }
        return reply
    }
}
