import ChromaClient
import Embeddings
import Foundation
import JSON
import LLM
import VectorStore

/// Everything a Thoth process serves from: the configuration, the embedded store, the vector
/// backend RAG uses (that store, or a remote Chroma), the knowledge base, the chat history and
/// the research assistant. Opened once; the API, MCP and CLI are thin layers over it.
public final class ThothServices: Sendable {
    public let configuration: ThothConfiguration
    /// The embedded store, also served on the Chroma port; nil when not opened.
    public let store: VectorStore?
    public let backend: any VectorBackend
    public let knowledge: KnowledgeBase
    public let chats: ChatStore
    public let assistant: ResearchAssistant
    public let operations = OperationRegistry(progress: ProgressBroadcast())
    public let startedAt = Date()

    /// Creates the workspace folders and opens every service. `openStore: false` (with a remote
    /// `CHROMADB_URL` and no Chroma listener) leaves the embedded store closed.
    public init(configuration: ThothConfiguration, openStore: Bool = true) throws {
        self.configuration = configuration
        try configuration.workspace.create()
        let environment = configuration.providerEnvironment
        if openStore || configuration.chromaURL == nil {
            store = try VectorStore(path: configuration.workspace.data)
        } else {
            store = nil
        }
        if let url = configuration.chromaURL {
            backend = RemoteBackend(
                client: ChromaClient(
                    baseURL: url,
                    token: environment["THOTH_CHROMADB_TOKEN"] ?? environment["CHROMA_CLIENT_AUTH_CREDENTIALS"]))
        } else {
            backend = EmbeddedBackend(store: store!)
        }
        let embedder: Result<any Embedder, EmbeddingError>
        do {
            embedder = .success(try EmbedderSelection.make(environment: environment))
        } catch let error as EmbeddingError {
            embedder = .failure(error)
        }
        knowledge = KnowledgeBase(
            settings: KnowledgeBase.Settings(configuration: configuration), backend: backend, embedder: embedder,
            cache: ResponseCache(ttl: configuration.cacheTTL, capacity: configuration.cacheMaxEntries))
        chats = try ChatStore(directory: configuration.workspace.data)
        assistant = ResearchAssistant(
            knowledge: knowledge, chatModel: ChatModelSelection.make(environment: environment), chats: chats,
            cache: ResponseCache(ttl: configuration.cacheTTL, capacity: configuration.cacheMaxEntries),
            timeout: configuration.agentTimeoutSeconds)
    }

    /// Closes the databases; call once, after the listeners have stopped.
    public func close() throws {
        try chats.close()
        try store?.close()
    }
}
