#if FUZZING
    /// libFuzzer's entry point (built with `--sanitize fuzzer`; libFuzzer supplies `main`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        target.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    nonisolated(unsafe) let target = FuzzTarget.selected
#endif
