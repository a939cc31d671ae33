import Foundation

/// Chooses the embedding provider from the configuration, in one place:
/// `RAG_EMBEDDING_MODEL` / `THOTH_RAG_EMBEDDING_MODEL` =
/// - `all-MiniLM-L6-v2` (default): built in, files from `THOTH_MODELS_DIR` or the first of
///   `modelsDirectories` that holds them;
/// - `openai/<model>`: `OPENAI_BASE_URL` (default api.openai.com), key `API_OPENAI_KEY` or `OPENAI_API_KEY`;
/// - `mistral/<model>`: api.mistral.ai, key `API_MISTRAL_KEY`;
/// - `openrouter/<model>`: openrouter.ai, key `API_OPENROUTER_KEY`;
/// - `<model>@<base URL>`: any OpenAI-compatible server, key `THOTH_EMBEDDING_API_KEY` (optional).
public enum EmbedderSelection {
    public static let defaultModel = MiniLMEmbedder.modelName

    public static func make(environment: [String: String]) throws -> any Embedder {
        let name = environment["THOTH_RAG_EMBEDDING_MODEL"] ?? environment["RAG_EMBEDDING_MODEL"] ?? defaultModel
        let dimension = environment["THOTH_EMBEDDING_DIMENSION"].flatMap(Int.init)
        if name == defaultModel || name == "sentence-transformers/" + defaultModel || name == "default" {
            guard let folder = modelsDirectory(environment) else {
                throw EmbeddingError(
                    "The \(defaultModel) model files are in none of the places looked: "
                        + modelsDirectories(environment).joined(separator: ", ")
                        + ". Run `thoth model install` (or `make model`), or set THOTH_MODELS_DIR to the folder "
                        + "that holds \(defaultModel)/.")
            }
            return try MiniLMEmbedder(directory: (folder as NSString).appendingPathComponent(defaultModel))
        }
        func remote(_ base: String, _ model: String, _ keys: [String], keySetting: String) throws -> OpenAIEmbedder {
            guard let url = URL(string: base), url.scheme != nil else {
                throw EmbeddingError("Invalid embeddings base URL: \(base)")
            }
            let key = keys.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
            return OpenAIEmbedder(
                baseURL: url, model: model, apiKey: key, dimension: dimension ?? knownDimensions[model] ?? 0,
                keySetting: keySetting)
        }
        if let at = name.lastIndex(of: "@") {
            var embedder = try remote(
                String(name[name.index(after: at)...]), String(name[..<at]), ["THOTH_EMBEDDING_API_KEY"],
                keySetting: "THOTH_EMBEDDING_API_KEY")
            if embedder.apiKey == nil {
                embedder = OpenAIEmbedder(
                    baseURL: embedder.baseURL, model: embedder.model, apiKey: "none", dimension: embedder.dimension)
            }
            return embedder
        }
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw EmbeddingError(
                "Unknown embedding model \(name): use \(defaultModel), openai/<model>, mistral/<model>, "
                    + "openrouter/<model> or <model>@<base URL>")
        }
        switch parts[0] {
        case "openai":
            return try remote(
                environment["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1", parts[1],
                ["API_OPENAI_KEY", "OPENAI_API_KEY"],
                keySetting: "API_OPENAI_KEY")
        case "mistral":
            return try remote(
                "https://api.mistral.ai/v1", parts[1], ["API_MISTRAL_KEY", "MISTRAL_API_KEY"],
                keySetting: "API_MISTRAL_KEY")
        case "openrouter":
            return try remote(
                "https://openrouter.ai/api/v1", parts[1], ["API_OPENROUTER_KEY"], keySetting: "API_OPENROUTER_KEY")
        default:
            throw EmbeddingError("Unknown embedding provider \(parts[0]) in \(name)")
        }
    }

    /// Where the built-in model's files may be, in the order looked: `THOTH_MODELS_DIR` alone when
    /// it is set; else `models` beside the data folder (the repository's, for `make run`), in the
    /// workspace, beside the binary (and its `../share/thoth`), and the user's data folder, where
    /// `thoth model install` puts it.
    public static func modelsDirectories(
        _ environment: [String: String], executable: String = CommandLine.arguments.first ?? ""
    ) -> [String] {
        if let directory = environment["THOTH_MODELS_DIR"], !directory.isEmpty { return [directory] }
        let data = environment["THOTH_DATA_DIR"] ?? "data"
        var folders = [((data as NSString).deletingLastPathComponent as NSString).appendingPathComponent("models")]
        if let workspace = environment["THOTH_WORKSPACE_DIR"] ?? environment["WORKSPACE_DIR"], !workspace.isEmpty {
            folders.append((workspace as NSString).appendingPathComponent("models"))
        }
        let binary = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        if executable.contains("/") {
            folders += [
                (binary as NSString).appendingPathComponent("models"),
                (binary as NSString).appendingPathComponent("../share/thoth/models"),
            ]
        }
        folders.append(userModelsDirectory(environment))
        let here = FileManager.default.currentDirectoryPath
        var seen = Set<String>()
        return folders.map { folder in
            ((folder.hasPrefix("/") ? folder : (here as NSString).appendingPathComponent(folder)) as NSString)
                .standardizingPath
        }.filter { seen.insert($0).inserted }
    }

    /// The first of `modelsDirectories` that holds the built-in model's files; nil when none does.
    public static func modelsDirectory(_ environment: [String: String]) -> String? {
        modelsDirectories(environment).first { folder in
            let model = (folder as NSString).appendingPathComponent(defaultModel)
            return ["vocab.txt", "model.safetensors"].allSatisfy {
                FileManager.default.fileExists(atPath: (model as NSString).appendingPathComponent($0))
            }
        }
    }

    /// The user's own models folder: `$XDG_DATA_HOME/thoth/models`, else `~/.local/share/thoth/models`.
    public static func userModelsDirectory(_ environment: [String: String]) -> String {
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("thoth/models")
    }

    static let knownDimensions = [
        "text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536,
        "mistral-embed": 1024,
    ]
}
