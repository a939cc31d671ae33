import Foundation
import Hummingbird
import JSON
import JSONHTTP
import Thoth

extension ThothAPI {
    /// `GET /health`: `{status, healthy, services: {name: {service, status, …}}}`, always 200,
    /// each service checked for real. `healthy` is false when any service is `unhealthy`; an
    /// `offline` language model (no key: answers quoted from passages) or a `disabled`
    /// listener is not a failure.
    func addHealthRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in
            let services = await healthReport()
            let healthy = services.allSatisfy { $0.value.objectValue?["status"]?.stringValue != "unhealthy" }
            return JSONMessages.response([
                "status": .string(healthy ? "healthy" : "unhealthy"), "healthy": .bool(healthy),
                "services": .object(services), "version": .string(ThothVersion.current),
                "uptime_seconds": .int(Int64(Date().timeIntervalSince(self.services.startedAt))),
            ])
        }
    }

    func healthReport() async -> JSONObject {
        async let vectors = vectorStoreHealth()
        async let rag = ragHealth()
        async let mcp = listenerHealth("ThothMCP", listeners.mcp, path: "/health")
        async let chroma = listenerHealth("ChromaServer", listeners.chroma, path: "/api/v2/heartbeat")
        let assistant = services.assistant
        let llm: JSONValue =
            if let model = assistant.chatModel {
                [
                    "service": "ChatModel", "status": "healthy", "model": .string(model.model),
                    "endpoint": .string(model.endpoint),
                ]
            } else {
                [
                    "service": "ChatModel", "status": "offline",
                    "message": "No API key configured: answers are quoted from the knowledge base",
                ]
            }
        var chat: JSONValue = ["service": "ChatStore", "status": "healthy"]
        do {
            _ = try services.chats.sessions(activeOnly: false, limit: 1)
        } catch {
            chat = ["service": "ChatStore", "status": "unhealthy", "error": .string("\(error)")]
        }
        var processing = services.pipeline.status
        processing["service"] = "PaperPipeline"
        processing["monitor"] = .object(
            JSONObject(services.watcher.status.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        var discovery = services.discoveryScheduler.status
        discovery["service"] = "DiscoveryScheduler"
        var citations: JSONValue = ["service": "CitationGraph", "status": "healthy"]
        do {
            var report = try services.pipeline.citations.counts()
            report["service"] = "CitationGraph"
            report["status"] = "healthy"
            report["extraction"] = "offline"
            for (key, value) in services.formatter.status { report[key] = value }
            let configuration = services.configuration
            report["enrichment"] = .array(
                (["crossref"] + (configuration.citationUseOpenCitations ? ["opencitations"] : [])
                    + (configuration.citationUseSemanticScholar ? ["semanticscholar"] : [])).map { .string($0) })
            citations = .object(report)
        } catch {
            citations = ["service": "CitationGraph", "status": "unhealthy", "error": .string("\(error)")]
        }
        return [
            "processing": .object(processing), "discovery": .object(discovery), "citations": citations,
            "api": ["service": "ThothAPI", "status": "healthy", "port": .int(Int64(listeners.api?.port ?? 0))],
            "vector_store": await vectors, "rag": await rag, "llm": llm, "chat": chat, "mcp": await mcp,
            "chroma": await chroma,
        ]
    }

    private func vectorStoreHealth() async -> JSONValue {
        let backend = services.backend
        do {
            try await backend.heartbeat()
            return ["service": "VectorBackend", "status": "healthy", "backend": .string(backend.description)]
        } catch {
            return [
                "service": "VectorBackend", "status": "unhealthy", "backend": .string(backend.description),
                "error": .string("\(error)"),
            ]
        }
    }

    private func ragHealth() async -> JSONValue {
        let knowledge = services.knowledge
        var report: JSONObject = [
            "service": "KnowledgeBase", "status": "healthy",
            "embedding_model": .string(knowledge.settings.embeddingModel),
            "collection": .string(knowledge.settings.collection),
        ]
        if let problem = knowledge.problem {
            report["status"] = "unhealthy"
            report["error"] = .string(problem)
        }
        return .object(report)
    }

    /// A listener of this process, asked over HTTP like any client would.
    private func listenerHealth(_ service: String, _ address: Listeners.Address?, path: String) async -> JSONValue {
        guard let address else { return ["service": .string(service), "status": "disabled"] }
        let client = JSONHTTPClient(timeout: 3, maxRetries: 0)
        do {
            let reply = try await client.send("GET", URL(string: address.url + path)!)
            if reply.isSuccess {
                return ["service": .string(service), "status": "healthy", "port": .int(Int64(address.port))]
            }
            return [
                "service": .string(service), "status": "unhealthy", "port": .int(Int64(address.port)),
                "error": .string("HTTP \(reply.status)"),
            ]
        } catch {
            return [
                "service": .string(service), "status": "unhealthy", "port": .int(Int64(address.port)),
                "error": .string("\(error)"),
            ]
        }
    }
}
