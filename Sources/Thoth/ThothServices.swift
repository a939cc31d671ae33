import ChromaClient
import Documents
import Embeddings
import Foundation
import JSON
import LLM
import Synchronization
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
    /// The chat model of each role (chat, analysis, citations, tags, relevance).
    public let models: RoleModels
    public let assistant: ResearchAssistant
    /// Every tool, as MCP, the agent and `/tools/execute` serve it.
    public let tools: ToolRegistry
    public let agent: ResearchAgent
    /// PDFs into analysed notes, and the ledger of those done.
    public let ledger: ProcessedLedger
    public let pipeline: PaperPipeline
    /// References in CSL styles (pandoc's citeproc).
    public let formatter: CitationFormatter
    /// The notes' tags and the tag vocabulary.
    public let tags: TagLibrary
    /// What the agent remembers of each user.
    public let memory: AgentMemory
    /// The PDF folder's watcher; runs only where the server or `thoth monitor` starts it.
    public let watcher: PDFWatcher
    /// Discovery: sources, the articles they found, and their runs.
    public let discovery: DiscoveryRunner
    /// Runs sources when due; only where the server starts it.
    public let discoveryScheduler: DiscoveryScheduler
    private let articles: ArticleStore
    public let operations = OperationRegistry(progress: ProgressBroadcast())
    public let overrides: SettingsOverrides
    /// The environment as changed at run time; settings that apply live are read from it.
    private let liveEnvironment: Mutex<[String: String]>
    public let startedAt = Date()
    /// The data folder's lock, held shared even when the store is not opened, so that
    /// `thoth restore` never replaces the chat history or settings under a running process.
    private let dataLock: any Sendable

    /// Creates the workspace folders and opens every service. `openStore: false` (with a remote
    /// `CHROMADB_URL` and no Chroma listener) leaves the embedded store closed.
    public init(configuration: ThothConfiguration, openStore: Bool = true) throws {
        self.configuration = configuration
        try configuration.workspace.create()
        dataLock = try VectorStore.lock(path: configuration.workspace.data, exclusive: false)
        overrides = SettingsOverrides(directory: configuration.workspace.data)
        liveEnvironment = Mutex(configuration.providerEnvironment)
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
            cache: ResponseCache(ttl: configuration.cacheTTL, capacity: configuration.cacheMaxEntries),
            reranker: HTTPReranker.configured(environment))
        chats = try ChatStore(directory: configuration.workspace.data)
        let models = RoleModels(environment: environment)
        self.models = models
        assistant = ResearchAssistant(
            knowledge: knowledge, chatModel: models.model(for: .chat), chats: chats,
            cache: ResponseCache(ttl: configuration.cacheTTL, capacity: configuration.cacheMaxEntries),
            timeout: configuration.agentTimeoutSeconds)
        ledger = try ProcessedLedger(directory: configuration.workspace.data)
        var embedSentences: OfflineAnalyzer.Embed?
        if case .success(let sentenceEmbedder) = embedder {
            embedSentences = { texts in try await sentenceEmbedder.embed(texts) }
        }
        let assistant = assistant
        pipeline = PaperPipeline(
            configuration: configuration, knowledge: knowledge, ledger: ledger,
            citations: try CitationGraph(directory: configuration.workspace.data),
            chatModel: { models.model(for: .analysis) }, embed: embedSentences)
        // The note template is there to edit from the first start, not only after the first paper.
        _ = try? NoteTemplate.load(path: pipeline.templatePath)
        articles = try ArticleStore(directory: configuration.workspace.data)
        discovery = DiscoveryRunner(
            workspace: configuration.workspace, articles: articles, environment: environment,
            maxPDFBytes: configuration.pdfMaxBytes, embed: embedSentences,
            chatModel: { models.model(for: .relevance) })
        discoveryScheduler = DiscoveryScheduler(
            runner: discovery, progress: operations.progress,
            tick: .milliseconds(Int(configuration.discoveryCheckSeconds * 1000)))
        watcher = PDFWatcher(
            folder: configuration.workspace.pdfs, pipeline: pipeline, interval: configuration.monitorIntervalSeconds)
        formatter = CitationFormatter(configuration)
        tags = TagLibrary(
            vocabulary: try TagVocabulary(directory: configuration.workspace.data), knowledge: knowledge,
            embed: embedSentences, chatModel: { models.model(for: .tags) })
        memory = try AgentMemory(
            directory: configuration.workspace.data, embed: embedSentences, capacity: configuration.memoryCapacity)
        tools = ThothTools.registry(
            knowledge: knowledge, assistant: assistant, backend: backend, workspace: configuration.workspace,
            pipeline: pipeline, discovery: discovery, formatter: formatter, tags: tags, memory: memory)
        agent = ResearchAgent(
            assistant: assistant, tools: tools, maxToolCalls: configuration.agentMaxToolCalls,
            timeout: configuration.agentTimeoutSeconds, memory: configuration.memoryEnabled ? memory : nil)
    }

    /// The settings in effect now: the configuration plus what was changed at run time.
    public var currentEnvironment: [String: String] { liveEnvironment.withLock { $0 } }

    /// Saves changed settings (environment name → value) and applies those that can apply at
    /// once: API keys and the chat model are swapped in; the others wait for a restart.
    /// Only names in the settings table that may change at run time are accepted.
    public func applySettings(_ changes: [String: String]) throws {
        guard !changes.isEmpty else { return }
        let refused = changes.keys.filter { !PluginSetting.settableEnvironment.contains($0) }.sorted()
        guard refused.isEmpty else {
            throw ThothError(.invalidRequest, "Not settable at run time: \(refused.joined(separator: ", "))")
        }
        try overrides.apply(changes)
        let environment = liveEnvironment.withLock { environment in
            for (name, value) in changes { environment[name] = value.isEmpty ? nil : value }
            return environment
        }
        models.reload(environment)
        assistant.replaceChatModel(models.model(for: .chat))
    }

    /// Builds the chat model again from the current settings (`/agent/restart`).
    public func reloadChatModel() {
        models.reload(currentEnvironment)
        assistant.replaceChatModel(models.model(for: .chat))
    }

    /// Closes the databases; call once, after the listeners have stopped.
    public func close() throws {
        try chats.close()
        try ledger.close()
        try articles.close()
        try pipeline.citations.close()
        try tags.vocabulary.close()
        try memory.close()
        try store?.close()
    }
}
