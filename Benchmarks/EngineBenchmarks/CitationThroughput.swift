import Citations
import Foundation

/// References found and parsed per second, per style, on the round-trip fixtures
/// (`Tests/Fixtures/citations`); `Benchmarks/citations_side_by_side.py` runs refextract on them.
enum CitationThroughput {
    static func run(fixtures: String) throws {
        print("| style | entries | references/s |")
        print("|---|---:|---:|")
        for style in ["ieee", "apa", "modern-language-association", "chicago-author-date", "harvard-cite-them-right"] {
            let text = try String(
                contentsOf: URL(fileURLWithPath: fixtures).appendingPathComponent("references_\(style).txt"),
                encoding: .utf8)
            var parsed = 0
            var entries = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            while elapsed < 2 {
                let list = ReferenceList.entries(ReferenceList.section(in: text) ?? text)
                entries = list.count
                for entry in list where ReferenceParser.parse(entry).raw == entry { parsed += 1 }
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            print("| \(style) | \(entries) | \(Int(Double(parsed) / elapsed)) |")
        }
    }
}
