extension Duration {
    /// The duration in seconds, fractions kept (for rates, timings and metrics).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
