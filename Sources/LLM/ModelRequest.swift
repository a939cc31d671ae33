import Foundation
import JSON
import JSONHTTP

extension JSONHTTPClient {
    /// POSTs a chat request to a model's server; an unreachable server or a non-2xx answer is an
    /// `LLMError` in words for a user (`keyHint` names the setting to check on 401/403).
    func modelReply(_ url: URL, body: JSONValue, endpoint: String, keyHint: String) async throws -> Reply {
        let reply: Reply
        do {
            reply = try await send("POST", url, body: body)
        } catch let error as JSONHTTPError {
            throw LLMError("The language model at \(endpoint) could not be reached: \(error.reason)")
        }
        guard reply.isSuccess else {
            let hint = reply.status == 401 || reply.status == 403 ? " (check \(keyHint))" : ""
            throw LLMError(
                "The language model answered HTTP \(reply.status)\(hint): \(reply.message)", status: reply.status)
        }
        return reply
    }
}
