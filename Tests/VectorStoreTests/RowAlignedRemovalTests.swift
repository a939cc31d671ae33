import Testing

@testable import VectorStore

@Suite struct RowAlignedRemovalTests {
    @Test func removesTheGivenRowsAndIgnoresRowsPastTheEnd() {
        var values = Array(0..<10)
        values.removeRows([0, 3, 4, 9, 12, 40])
        #expect(values == [1, 2, 5, 6, 7, 8])
        var short = ["a", "b"]
        short.removeRows([5])
        #expect(short == ["a", "b"])
        short.removeRows([])
        #expect(short == ["a", "b"])
    }
}
