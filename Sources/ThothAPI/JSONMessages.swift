import Foundation
import HTTPTypes
import Hummingbird
import JSON
import NIOCore

/// JSON in and out of Thoth's API, with our own reader and writer (metadata stays typed:
/// integers stay integers).
enum JSONMessages {
    /// Largest request body accepted.
    static let maxBodyBytes = 16 << 20

    /// The body as a JSON object; an empty body is an empty object.
    static func object(_ request: Request) async throws -> JSONObject {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "The request body exceeds \(maxBodyBytes >> 20) MiB")
        }
        if buffer.readableBytes == 0 { return [:] }
        let value: JSONValue
        do {
            value = try JSONReader.parse(buffer.readableBytesView)
        } catch {
            throw APIError(.badRequest, "The request body is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw APIError(.badRequest, "The request body must be a JSON object")
        }
        return object
    }

    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.serialize(value))))
    }
}

/// An API error with its status: answered as `{"status": "error", "message": …, "detail": …}`.
struct APIError: Error {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    static func missing(_ field: String) -> APIError { APIError(.badRequest, "Field '\(field)' is required") }
}

extension JSONObject {
    /// A required non-empty string field.
    func requiredString(_ key: String) throws -> String {
        guard let text = self[key]?.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.missing(key)
        }
        return text
    }

    /// An optional integer field, which must be an integer when present.
    func integer(_ key: String) throws -> Int? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let number = value.intValue else { throw APIError(.badRequest, "Field '\(key)' must be an integer") }
        return Int(number)
    }

    /// An optional object field, which must be an object when present.
    func object(_ key: String) throws -> JSONObject? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let object = value.objectValue else { throw APIError(.badRequest, "Field '\(key)' must be an object") }
        return object
    }
}

extension Request {
    /// A query parameter as browsers and form encoders write it: `+` is a space (Hummingbird
    /// decodes only percent escapes); nil when absent or empty.
    func query(_ name: String) -> String? {
        for pair in (uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
            guard key == name, parts.count == 2 else { continue }
            let value = parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// An integer query parameter, `fallback` when absent.
    func integer(_ name: String, default fallback: Int) throws -> Int {
        guard let text = uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(text) else { throw APIError(.badRequest, "Query parameter '\(name)' must be an integer") }
        return value
    }

    func flag(_ name: String, default fallback: Bool) -> Bool {
        guard let text = uri.queryParameters.get(name)?.lowercased() else { return fallback }
        return ["1", "true", "yes", "on"].contains(text)
    }
}
