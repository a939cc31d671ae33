import ArgumentParser

/// `thoth server start|status`.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run Thoth's listeners, or ask a running server how it is.",
        subcommands: [ServerStartCommand.self, ServerStatusCommand.self], defaultSubcommand: ServerStartCommand.self)
}
