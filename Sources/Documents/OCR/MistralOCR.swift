import Foundation
import JSON
import JSONHTTP

/// OCR by Mistral's service, as the original used it: the PDF is uploaded (`POST /files`,
/// purpose `ocr`), a signed URL fetched (`GET /files/{id}/url`), `mistral-ocr-latest` run on the
/// pages asked for (`POST /ocr`, 0-based page indexes), and the upload deleted after.
public struct MistralOCR: PageOCR {
    public let model: String
    public var name: String { model }
    let baseURL: URL
    let client: JSONHTTPClient

    public init(apiKey: String, baseURL: URL, model: String = "mistral-ocr-latest", timeout: TimeInterval = 120) {
        self.baseURL = baseURL
        self.model = model
        client = JSONHTTPClient(
            headers: ["Authorization": "Bearer \(apiKey)", "Accept": "application/json"], timeout: timeout,
            maxRetries: 2)
    }

    public func recognise(pdf path: String, pages: [Int]) async throws -> [Int: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PDFError(file: path, reason: .missing, "the file cannot be read")
        }
        let boundary = "thoth-\(UUID().uuidString)"
        let upload = try await call(
            "POST", "files", data: Self.multipart(data, name: (path as NSString).lastPathComponent, boundary: boundary),
            contentType: "multipart/form-data; boundary=\(boundary)", file: path)
        guard let id = upload["id"]?.stringValue else { throw Self.error(path, "the upload answer has no file id") }
        defer {
            Task { [client, baseURL] in
                _ = try? await client.send("DELETE", baseURL.appendingPathComponent("files/\(id)"))
            }
        }
        var signed = URLComponents(
            url: baseURL.appendingPathComponent("files/\(id)/url"), resolvingAgainstBaseURL: false)!
        signed.queryItems = [URLQueryItem(name: "expiry", value: "24")]
        let url = try await call("GET", signed.url!, file: path)["url"]?.stringValue
        guard let url else { throw Self.error(path, "no signed URL was returned") }
        let body: JSONValue = [
            "model": .string(model), "document": ["type": "document_url", "document_url": .string(url)],
            "pages": .array(pages.map { .int(Int64($0 - 1)) }), "include_image_base64": false,
        ]
        let result = try await call(
            "POST", "ocr", data: Data(JSONWriter.serialize(body)), contentType: "application/json", file: path)
        guard case .array(let read)? = result["pages"] else { throw Self.error(path, "the OCR answer has no pages") }
        var text: [Int: String] = [:]
        for page in read {
            guard let object = page.objectValue, let index = object["index"]?.intValue,
                let markdown = object["markdown"]?.stringValue
            else { continue }
            text[Int(index) + 1] = markdown
        }
        return text
    }

    private func call(
        _ method: String, _ path: String, data: Data? = nil, contentType: String = "application/json", file: String
    ) async throws -> JSONObject {
        try await call(method, baseURL.appendingPathComponent(path), data: data, contentType: contentType, file: file)
    }

    private func call(
        _ method: String, _ url: URL, data: Data? = nil, contentType: String = "application/json", file: String
    ) async throws -> JSONObject {
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await client.send(method, url, data: data, contentType: contentType)
        } catch {
            throw Self.error(file, "\(error)")
        }
        guard reply.isSuccess, let object = reply.json?.objectValue else {
            throw Self.error(file, "HTTP \(reply.status) from \(url.path): \(reply.message)")
        }
        return object
    }

    private static func error(_ file: String, _ detail: String) -> PDFError {
        PDFError(file: file, reason: .damaged, "Mistral OCR failed: \(detail)")
    }

    /// The upload's body: the `purpose` field and the file.
    static func multipart(_ data: Data, name: String, boundary: String) -> Data {
        let safeName = name.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\n", with: "")
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nocr\r\n".utf8))
        body.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n"
                    + "Content-Type: application/pdf\r\n\r\n").utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }
}
