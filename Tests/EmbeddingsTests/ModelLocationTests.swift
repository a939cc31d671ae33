import Embeddings
import Foundation
import Testing

/// Where the built-in model is looked for, and that the first place holding it wins.
@Suite struct ModelLocationTests {
    @Test func theModelsFolderIsLookedForWhereAUserWouldPutIt() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)").path
        let environment = ["HOME": home, "THOTH_DATA_DIR": "/w/data", "THOTH_WORKSPACE_DIR": "/w2"]
        let places = EmbedderSelection.modelsDirectories(environment, executable: "/opt/thoth/bin/thoth")
        #expect(
            places == [
                "/w/models", "/w2/models", "/opt/thoth/bin/models", "/opt/thoth/share/thoth/models",
                home + "/.local/share/thoth/models",
            ])
        #expect(EmbedderSelection.modelsDirectories(["THOTH_MODELS_DIR": "/m", "HOME": home]) == ["/m"])
        #expect(EmbedderSelection.userModelsDirectory(["XDG_DATA_HOME": "/x", "HOME": home]) == "/x/thoth/models")

        // Found in the user's folder once the files are there; nowhere before.
        #expect(EmbedderSelection.modelsDirectory(environment) == nil)
        let model = home + "/.local/share/thoth/models/all-MiniLM-L6-v2"
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        FileManager.default.createFile(atPath: model + "/vocab.txt", contents: Data())
        #expect(EmbedderSelection.modelsDirectory(environment) == nil)  // half a model is no model
        FileManager.default.createFile(atPath: model + "/model.safetensors", contents: Data())
        #expect(EmbedderSelection.modelsDirectory(environment) == home + "/.local/share/thoth/models")
        let error = #expect(throws: EmbeddingError.self) {
            try EmbedderSelection.make(environment: ["HOME": "/nonexistent-home", "THOTH_DATA_DIR": "/w/data"])
        }
        #expect(error?.description.contains("thoth model install") == true)
        #expect(error?.description.contains("/nonexistent-home/.local/share/thoth/models") == true)
    }
}
