import Foundation
import Hummingbird
import JSON
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP server on a free loopback port speaking the chat-completions protocol, whose
/// answers the test scripts: the client under test talks to it over TCP like to a provider.
final class FakeChatCompletionsServer: Sendable {
    enum Answer: Sendable {
        case reply(String)
        case toolCall(name: String, arguments: String)
        case status(Int, retryAfter: String?)
        case stall(seconds: Double)
    }

    private let script: Mutex<[Answer]>
    /// Request bodies received, in order.
    let received = Mutex<[JSONValue]>([])
    private let loopback = LoopbackServer()
    var port: Int { loopback.port }

    init(script: [Answer]) { self.script = Mutex(script) }

    func start() async throws {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.received.withLock { $0.append((try? JSONReader.parse(body.readableBytesView)) ?? .null) }
            let answer = self.script.withLock { $0.isEmpty ? .reply("(script exhausted)") : $0.removeFirst() }
            switch answer {
            case .reply(let text):
                return Self.completion(["role": "assistant", "content": .string(text)])
            case .toolCall(let name, let arguments):
                return Self.completion([
                    "role": "assistant", "content": .null,
                    "tool_calls": [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": .string(name), "arguments": .string(arguments)],
                        ]
                    ],
                ])
            case .status(let code, let retryAfter):
                var headers: HTTPFields = [.contentType: "application/json"]
                if let retryAfter { headers[.retryAfter] = retryAfter }
                return Response(
                    status: .init(code: code), headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":{"message":"scripted failure"}}"#)))
            case .stall(let seconds):
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return Self.completion(["role": "assistant", "content": "too late"])
            }
        }
        await loopback.start(router)
    }

    func stop() { loopback.stop() }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    private static func completion(_ message: JSONValue) -> Response {
        let body: JSONValue = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "fake",
            "choices": [["index": 0, "message": message, "finish_reason": "stop"]],
        ]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.serialize(body))))
    }
}
