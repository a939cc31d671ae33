extension StringProtocol {
    /// The text without leading and trailing whitespace (newlines included), without the round
    /// trip through NSString that Foundation's `trimmingCharacters` makes on Linux: on a page of
    /// text that trip cost more than the rest of the clean-up together.
    var trimmedWhitespace: SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start].isWhitespace { start = index(after: start) }
        while end > start, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[start..<end]
    }
}
