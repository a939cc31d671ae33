import ArgumentParser
import Foundation
import JSON
import Thoth

/// `thoth agent`: chat with the research agent in the terminal. Each line is a message; `exit`,
/// `quit` or end of input ends the chat. Goes through the running server when one answers,
/// otherwise runs the agent in this process over the workspace.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Chat with the research agent in the terminal.")

    @Option(help: "Continue this chat session (default: a new one).") var session: String?
    @Flag(help: "Run the agent here even if a server is running.") var local = false

    func run() async throws {
        let sessionID = session ?? "terminal-" + UUID().uuidString.lowercased().prefix(8)
        let interactive = isatty(STDIN_FILENO) != 0
        let server = local ? false : await RunningServer.isRunning()
        var services: ThothServices?
        if !server { services = try ThothServices(configuration: try ThothConfiguration.load(), openStore: false) }
        defer { try? services?.close() }
        print(
            "Thoth research agent (session \(sessionID)\(server ? ", via the running server" : "")). Type exit to leave."
        )
        while true {
            if interactive {
                FileHandle.standardOutput.write(Data("you> ".utf8))
            }
            guard let line = readLine() else { break }
            let message = line.trimmingCharacters(in: .whitespaces)
            if message.isEmpty { continue }
            if ["exit", "quit"].contains(message.lowercased()) { break }
            do {
                let reply: JSONValue
                if let services {
                    let answer = try await services.agent.chat(message, sessionID: sessionID)
                    reply = [
                        "response": .string(answer.answer.text), "tool_calls": .array(answer.toolCalls.map(\.json)),
                    ]
                } else {
                    reply = try await Self.remoteChat(message, sessionID: sessionID)
                }
                for call in reply.objectValue?["tool_calls"]?.arrayValue ?? [] {
                    let object = call.objectValue
                    print(
                        "  ↳ \(object?["tool"]?.stringValue ?? "?")"
                            + "(\(JSONWriter.string(object?["args"] ?? [:])))")
                }
                print("thoth> \(reply.objectValue?["response"]?.stringValue ?? "")")
            } catch {
                print("thoth> (error) \(error)")
            }
        }
    }

    static func remoteChat(_ message: String, sessionID: String) async throws -> JSONValue {
        try await RunningServer.post(
            "research/chat", body: ["message": .string(message), "conversation_id": .string(sessionID)],
            subject: "thoth-agent", tokenMinutes: 60,
            timeout: try ThothConfiguration.load().agentTimeoutSeconds + 30)
    }
}
