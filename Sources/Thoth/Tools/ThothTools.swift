/// The registry of everything the existing services can do for real. Tools of later services
/// (citations) join when those services exist.
public enum ThothTools {
    public static func registry(
        knowledge: KnowledgeBase, assistant: ResearchAssistant, backend: any VectorBackend, workspace: Workspace,
        pipeline: PaperPipeline, discovery: DiscoveryRunner
    ) -> ToolRegistry {
        ToolRegistry(
            tools: KnowledgeTools.all(
                knowledge, assistant: assistant, workspace: workspace, pipeline: pipeline)
                + QueryTools.all(ResearchQueryStore(directory: workspace.queries))
                + CollectionTools.all(backend, knowledge: knowledge)
                + PipelineTools.all(pipeline, knowledge: knowledge, workspace: workspace)
                + CitationTools.all(pipeline, knowledge: knowledge, workspace: workspace)
                + DiscoveryTools.all(discovery) + PDFLocatingTools.all(discovery))
    }
}
