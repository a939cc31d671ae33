import Testing

@testable import VectorStore

@Suite struct LowestFirstTests {
    @Test(arguments: [0, 1, 2, 3, 17, 1000])
    func handsOutEveryIndexLowestValueFirst(count: Int) {
        var generator = SystemRandomNumberGenerator()
        // Few distinct values, so ties are common.
        let values = (0..<count).map { _ in Float(Int.random(in: 0..<20, using: &generator)) / 4 }
        var order = LowestFirst(values)
        var seen: [(value: Float, index: Int)] = []
        while let next = order.next() { seen.append(next) }
        #expect(seen.map(\.value) == values.sorted())
        #expect(Set(seen.map(\.index)) == Set(values.indices))
        #expect(seen.allSatisfy { values[$0.index] == $0.value })
    }
}
