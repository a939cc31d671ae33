import Foundation
import Testing

@testable import Thoth

@Suite struct ConfigurationTests {
    @Test func defaultsFollowTheGuide() {
        let configuration = ThothConfiguration(environment: [:], currentDirectory: "/srv")
        #expect(configuration.workspace.root == "/srv")
        #expect(configuration.workspace.notes == "/srv/notes")
        #expect(configuration.workspace.data == "/srv/data")
        #expect(configuration.apiPort == 8000)
        #expect(configuration.mcpPort == 8001)
        #expect(configuration.chromaPort == 8003)
        #expect(configuration.cacheTTL == 3600)
        #expect(configuration.maxConcurrentRequests == 10)
        #expect(configuration.agentTimeoutSeconds == 300)
        #expect(configuration.corsAllowedOrigins == ["http://localhost:3000", "http://localhost:8080"])
        #expect(configuration.ragCollection == "thoth_knowledge")
        #expect(configuration.chromaURL == nil)
        #expect(!configuration.authEnabled)
        #expect(configuration.problems.isEmpty)
    }

    @Test func everyUnusableValueIsAProblem() {
        let cases: [([String: String], String)] = [
            (["THOTH_AGENT_TIMEOUT_SECONDS": "inf"], "THOTH_AGENT_TIMEOUT_SECONDS"),
            (["THOTH_AGENT_TIMEOUT_SECONDS": "nan"], "THOTH_AGENT_TIMEOUT_SECONDS"),
            (["THOTH_CACHE_TTL": "-1e300"], "THOTH_CACHE_TTL"),
            (["THOTH_API_PORT": "99999999999999999999"], "THOTH_API_PORT"),
            (["THOTH_MAX_CONCURRENT_REQUESTS": "0"], "THOTH_MAX_CONCURRENT_REQUESTS"),
            (["THOTH_AUTH_ENABLED": "yes please"], "THOTH_AUTH_ENABLED"),
            (["THOTH_AUTH_ENABLED": "true"], "no secret is set"),
            (["THOTH_AUTH_ENABLED": "on", "THOTH_JWT_SECRET_KEY": "short"], "at least 32"),
            (["THOTH_JWT_SECRET_KEY_FILE": "/nonexistent"], "THOTH_JWT_SECRET_KEY_FILE"),
            (["THOTH_LOG_LEVEL": "loud"], "THOTH_LOG_LEVEL"),
            (["CHROMADB_URL": "not a url"], "CHROMADB_URL"),
        ]
        for (environment, named) in cases {
            let problems = ThothConfiguration(environment: environment, currentDirectory: "/srv").problems
            #expect(problems.count == 1 && problems[0].contains(named), "\(environment): \(problems)")
        }
    }

    @Test func otherProgramsFileVariablesAreNotOurs() {
        let environment = ["SSL_CERT_FILE": "/nonexistent", "THOTH_ENV_FILE": "/nonexistent"]
        #expect(ThothConfiguration(environment: environment, currentDirectory: "/srv").problems.isEmpty)
    }

    @Test func documentedNamesWinOverTheOriginalOnes() {
        let configuration = ThothConfiguration(
            environment: ["THOTH_NOTES_DIR": "vault", "NOTES_DIR": "ignored", "ENDPOINT_PORT": "9000"],
            currentDirectory: "/srv")
        #expect(configuration.workspace.notes == "/srv/vault")
        #expect(configuration.apiPort == 9000)
    }

    @Test func foldersResolveUnderTheWorkspace() {
        let configuration = ThothConfiguration(
            environment: [
                "THOTH_WORKSPACE_DIR": "/workspace", "PDF_DIR": "papers", "THOTH_LOGS_DIR": "/var/log/thoth",
            ],
            currentDirectory: "/srv")
        #expect(configuration.workspace.pdfs == "/workspace/papers")
        #expect(configuration.workspace.logs == "/var/log/thoth")
        #expect(configuration.workspace.markdown == "/workspace/markdown")
    }

    @Test func chromaURLOfThisProcessMeansEmbedded() {
        #expect(ThothConfiguration.remoteChroma("http://localhost:8003", ownPort: 8003) == nil)
        #expect(ThothConfiguration.remoteChroma("", ownPort: 8003) == nil)
        #expect(ThothConfiguration.remoteChroma("http://127.0.0.1:8003", ownPort: 8003) == nil)
        #expect(
            ThothConfiguration.remoteChroma("http://chroma.internal:8000", ownPort: 8003)?.host == "chroma.internal")
        #expect(ThothConfiguration.remoteChroma("http://localhost:9003", ownPort: 8003)?.port == 9003)
    }

    @Test func envFileFillsWhatTheProcessLeavesUnset() {
        let file = EnvironmentFile.parse(
            """
            # comment
            export API_OPENROUTER_KEY="sk-or-1"
            THOTH_API_PORT=9100 # trailing comment
            THOTH_LOG_LEVEL='debug'
            not a setting
            """)
        #expect(file == ["API_OPENROUTER_KEY": "sk-or-1", "THOTH_API_PORT": "9100", "THOTH_LOG_LEVEL": "debug"])
        let path = NSTemporaryDirectory() + "thoth-env-\(UUID().uuidString)"
        try? "THOTH_API_PORT=9100\nTHOTH_MCP_PORT=9101\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let merged = EnvironmentFile.merged(processEnvironment: ["THOTH_API_PORT": "7000"], path: path)
        #expect(merged["THOTH_API_PORT"] == "7000")
        #expect(merged["THOTH_MCP_PORT"] == "9101")
    }
}

@Suite struct SecretFileTests {
    @Test func fileReferencesSupplyUnsetVariables() throws {
        let path = NSTemporaryDirectory() + "thoth-secret-\(UUID().uuidString)"
        try "sk-from-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let resolved = EnvironmentFile.resolvingFileReferences([
            "API_MISTRAL_KEY_FILE": path, "API_OPENAI_KEY_FILE": path, "API_OPENAI_KEY": "set-directly",
        ])
        #expect(resolved["API_MISTRAL_KEY"] == "sk-from-secret")
        #expect(resolved["API_OPENAI_KEY"] == "set-directly")
    }
}
