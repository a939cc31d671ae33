import ArgumentParser
import Foundation

/// Where the embedded store lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the vector store (default: $THOTH_DATA_DIR or ./data).")
    var path: String = ProcessInfo.processInfo.environment["THOTH_DATA_DIR"] ?? "data"
}
