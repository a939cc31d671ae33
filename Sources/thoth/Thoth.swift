import ArgumentParser

@main
struct Thoth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thoth",
        abstract: "Thoth: an AI research assistant server with an embedded vector store.",
        subcommands: [])
}
