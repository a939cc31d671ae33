import Foundation

#if FUZZING
    /// libFuzzer's entry point (built with `--sanitize fuzzer`; libFuzzer supplies `main`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        target.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    nonisolated(unsafe) let target = TextFuzzTarget.selected
#else
    /// Without libFuzzer: replays saved inputs (`THOTH_FUZZ=chunker thoth-fuzz-text FILE…`).
    @main
    enum Replay {
        static func main() throws {
            let target = TextFuzzTarget.selected
            for path in CommandLine.arguments.dropFirst() {
                target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
                print("ok \(path)")
            }
        }
    }
#endif
