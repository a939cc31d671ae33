#if !FUZZING
    import Foundation

    /// Without libFuzzer: runs the harness `THOTH_FUZZ` once over each file named, so a crash
    /// a fuzzing run found can be replayed in an ordinary build (and under a debugger).
    @main
    enum Replay {
        static func main() throws {
            let target = FuzzTarget.selected
            for path in CommandLine.arguments.dropFirst() {
                target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
                print("ok \(path)")
            }
        }
    }
#endif
