import ArgumentParser
import HTTPSecurity
import Thoth

/// `thoth token create`: mints a bearer token for `THOTH_AUTH_ENABLED` servers.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Mint API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an HS256 token signed with THOTH_JWT_SECRET_KEY.")

        @Option(help: "Who the token is for (the `sub` claim).") var subject = "thoth-user"
        @Option(help: "Minutes until it expires (default: THOTH_JWT_EXPIRE_MINUTES or 60).") var minutes: Int?

        func run() async throws {
            let configuration = try ThothConfiguration.load()
            guard let secret = configuration.jwtSecret else {
                throw ValidationError("Set THOTH_JWT_SECRET_KEY (in the environment or .env) to mint tokens")
            }
            let minutes = minutes ?? configuration.jwtExpireMinutes
            guard (1...525_600).contains(minutes) else { throw ValidationError("--minutes must be in 1…525600") }
            print(try await AccessToken(secret: secret).mint(subject: subject, minutes: minutes))
        }
    }
}
