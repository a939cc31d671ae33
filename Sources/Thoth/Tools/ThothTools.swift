/// The registry of everything the services can do, as MCP, the agent and `/tools/execute` serve it.
public enum ThothTools {
    public static func registry(
        knowledge: KnowledgeBase, assistant: ResearchAssistant, backend: any VectorBackend, workspace: Workspace,
        pipeline: PaperPipeline, discovery: DiscoveryRunner, formatter: CitationFormatter, tags: TagLibrary,
        memory: AgentMemory
    ) -> ToolRegistry {
        ToolRegistry(
            tools: KnowledgeTools.all(
                knowledge, assistant: assistant, workspace: workspace, pipeline: pipeline)
                + QueryTools.all(ResearchQueryStore(directory: workspace.queries))
                + CollectionTools.all(backend, knowledge: knowledge)
                + PipelineTools.all(pipeline, knowledge: knowledge, workspace: workspace)
                + CitationTools.all(pipeline, knowledge: knowledge, workspace: workspace, formatter: formatter)
                + DiscoveryTools.all(discovery) + PDFLocatingTools.all(discovery)
                + EvaluationTools.all(knowledge, discovery: discovery) + TagTools.all(tags, knowledge: knowledge)
                + MemoryTools.all(memory) + WebSearchTools.all(discovery.services))
    }
}
