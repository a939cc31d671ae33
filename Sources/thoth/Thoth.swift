import ArgumentParser

@main
struct Thoth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thoth",
        abstract: "Thoth: an AI research assistant server with an embedded vector store.",
        subcommands: [
            ServerCommand.self, HealthCommand.self, RAGCommand.self, AgentCommand.self, MCPCommand.self,
            BackupCommand.self, RestoreCommand.self,
            TokenCommand.self,
            ChromaCommand.self,
            EmbedCommand.self, StoreCommand.self, ProcessCommand.self, MonitorCommand.self, PDFTextCommand.self,
            DiscoveryCommand.self, PDFLocateCommand.self, CitationsCommand.self, ModelCommand.self, TagsCommand.self,
            MemoryCommand.self,
        ])
}
