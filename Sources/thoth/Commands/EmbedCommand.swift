import ArgumentParser
import Embeddings
import Foundation
import JSON

/// `thoth embed`: prints the vectors of texts, for checking the embedding model by hand.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the configured model and print the vectors.",
        discussion: """
            The model comes from RAG_EMBEDDING_MODEL / THOTH_RAG_EMBEDDING_MODEL: all-MiniLM-L6-v2 (built in, \
            the default), openai/<model>, mistral/<model>, or <model>@<base URL> for any OpenAI-compatible server.
            """)

    @Argument(help: "Texts to embed.") var texts: [String] = []
    @Flag(help: "Read the texts as a JSON array of strings from standard input.") var stdin = false
    @Flag(help: "Print a JSON array of vectors.") var json = false

    func run() async throws {
        var inputs = texts
        if stdin {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard case .array(let values) = try JSONReader.parse(Array(data)),
                let strings = Optional(values.compactMap(\.stringValue)), strings.count == values.count
            else { throw ValidationError("--stdin expects a JSON array of strings") }
            inputs += strings
        }
        guard !inputs.isEmpty else { throw ValidationError("Give texts as arguments or with --stdin.") }
        let embedder = try EmbedderSelection.make(environment: ProcessInfo.processInfo.environment)
        let vectors = try await embedder.embed(inputs)
        if json {
            var writer = JSONWriter()
            writer.writeRaw("[")
            for (index, vector) in vectors.enumerated() {
                if index > 0 { writer.writeRaw(",") }
                writer.writeFloats(vector)
            }
            writer.writeRaw("]\n")
            FileHandle.standardOutput.write(Data(writer.bytes))
        } else {
            for (text, vector) in zip(inputs, vectors) {
                let preview = vector.prefix(8).map { String(format: "%.6f", $0) }.joined(separator: " ")
                print("\(text.prefix(60).debugDescription) [\(vector.count)] \(preview) …")
            }
        }
    }
}
