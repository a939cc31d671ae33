import Foundation
import Testing

@testable import VectorStore

/// `$contains` answered from the documents in memory finds exactly what the trigram index
/// finds — before the column is read, after, and after every kind of write.
@Suite struct DocumentColumnTests {
    static let words = ["fox", "river", "exact", "Ünïcode", "naïve", "🦊", "search", "paper"]

    /// What `$contains` must find among `documents` (nil: the record has none).
    func expected(_ documents: [String: String?], _ text: String) -> Set<String> {
        Set(
            documents.compactMap { id, document in document.map { $0.contains(text) || text.isEmpty } == true ? id : nil
            })
    }

    @Test func aColumnMatchesSubstringsAsSQLiteDoes() {
        var generator = SeededGenerator(seed: 5)
        // Enough rows to be scanned in parts on every core.
        let documents: [String?] = (0..<40_000).map { row in
            row % 97 == 0
                ? nil : (0..<4).map { _ in Self.words.randomElement(using: &generator)! }.joined(separator: " ")
        }
        var column = DocumentColumn()
        for document in documents { column.append(document) }
        column.replace(row: 5, with: "fox river")
        column.replace(row: 97, with: "")
        column.remove(rows: [0, 1, 2, 40_000])
        var rows = Array(documents.dropFirst(3))
        rows[2] = "fox river"
        rows[94] = ""
        for text in ["", "x", "fox r", "ïve", "🦊 s", "river fox", "Ü", "absent", "é"] {
            let found = column.rows(containing: text)
            let want = rows.indices.filter { rows[$0].map { text.isEmpty || $0.contains(text) } == true }
            #expect(found.rows == want, "\(text)")
        }
    }

    @Test func replacedDocumentsAreCompactedAway() {
        var column = DocumentColumn()
        for row in 0..<100 { column.append("document \(row)") }
        for round in 0..<20 {
            for row in 0..<100 { column.replace(row: row, with: "round \(round) row \(row)") }
        }
        // Every byte held belongs to a live document, give or take the last round's waste.
        #expect(column.bytes.count < 3 * 100 * "round 19 row 99".utf8.count)
        #expect(column.rows(containing: "round 19 row 7").rows == [7, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79])
        #expect(column.rows(containing: "round 18").rows.isEmpty)
    }

    @Test func theStoreKeepsItsColumnInStepWithWrites() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        var generator = SeededGenerator(seed: 6)
        var documents: [String: String?] = [:]
        let count = 3000
        let ids = (0..<count).map { "r\($0)" }
        // `updateValue`: assigning nil through the subscript would remove the key.
        for id in ids {
            let words = (0..<3).map { _ in Self.words.randomElement(using: &generator)! }
            documents.updateValue(id.hasSuffix("7") ? nil : words.joined(separator: " "), forKey: id)
        }
        let info = try store.createCollection(name: "docs")
        try store.add(
            to: info.id,
            RecordBatch(
                ids: ids, embeddings: randomVectors(count, dimension: 4), documents: ids.map { documents[$0]! }))
        let texts = ["fox", "river ex", "🦊", "ïve s", "", "absent"]
        func check() throws {
            for text in texts {
                let got = Set(try store.get(from: info.id, whereDocument: .contains(text)).ids)
                #expect(got == expected(documents, text), "$contains \(text)")
                let not = Set(try store.get(from: info.id, whereDocument: .notContains(text)).ids)
                #expect(not == Set(documents.keys).subtracting(expected(documents, text)), "$not_contains \(text)")
            }
            let query = try store.query(
                info.id, embeddings: [[1, 0, 0, 0]], nResults: 5, whereDocument: .contains("fox"))
            #expect(query.results[0].ids.allSatisfy { expected(documents, "fox").contains($0) })
        }
        func columnRows() throws -> Int? {
            let index = try store.indexes.index(for: info)
            index.waitForDocuments()
            return index.lock.withReadLock { index.loaded?.documents?.count }
        }
        // The first `$contains` is answered by the trigram index and starts reading the column.
        try check()
        #expect(try columnRows() == count)
        try check()

        let more = (0..<50).map { "m\($0)" }
        for (offset, id) in more.enumerated() {
            documents.updateValue(offset % 2 == 0 ? "fox \(offset)" : nil, forKey: id)
        }
        try store.add(
            to: info.id,
            RecordBatch(ids: more, embeddings: randomVectors(50, dimension: 4), documents: more.map { documents[$0]! }))
        try store.update(in: info.id, RecordBatch(ids: ["r1", "r2"], documents: ["river exact", nil]))
        documents.updateValue("river exact", forKey: "r1")  // r2: a nil document keeps the stored one
        try store.upsert(
            to: info.id,
            RecordBatch(
                ids: ["r3", "new"], embeddings: randomVectors(2, dimension: 4), documents: ["🦊🦊", "naïve search"]))
        documents.updateValue("🦊🦊", forKey: "r3")
        documents.updateValue("naïve search", forKey: "new")
        try store.delete(from: info.id, ids: ["r4", "m0"])
        documents.removeValue(forKey: "r4")
        documents.removeValue(forKey: "m0")
        try store.delete(from: info.id, whereDocument: .contains("paper"))
        for (id, document) in documents where document?.contains("paper") == true { documents.removeValue(forKey: id) }
        #expect(try columnRows() == documents.count)
        try check()
    }
}
