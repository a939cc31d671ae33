import Discovery
import Foundation
import JSON
import JSONHTTP
import Testing

@Suite struct OpenCitationsMetaTests {
    /// Meta's answers for four real works (its own server's expected output; see the fixtures' README).
    static func records() throws -> [JSONValue] {
        let data = try Data(
            contentsOf: ReplayServer.fixtures.appendingPathComponent("opencitations/metadata_records.json"))
        return try JSONReader.parse(Array(data)).arrayValue ?? []
    }

    @Test func readsMetasRecordsWithoutTheirIdentifiers() throws {
        let parsed = try OpenCitationsRecord.parse(Array(JSONWriter.string(.array(try Self.records())).utf8))
        let meta = try #require(parsed.first)
        #expect(meta.dois == ["10.1162/qss_a_00292"] && meta.title == "OpenCitations Meta" && meta.date == [2024])
        #expect(meta.authors.first == "Massari, Arcangelo" && meta.authors.count == 5)
        #expect(meta.venue == "Quantitative Science Studies" && meta.publisher == "Mit Press")
        #expect(meta.volume == "5" && meta.issue == "1" && meta.pages == "50-75" && meta.type == "article-journal")
        let chapter = parsed[2]
        #expect(chapter.type == "chapter" && chapter.volume == nil && chapter.issue == nil)
        #expect(chapter.venue == "Advances In Intelligent Systems And Computing")
        #expect(parsed[1].date == [1999, 10] && parsed[3].authors[0] == "Bilgin, Hülya")
        #expect(throws: SourceError.self) { try OpenCitationsRecord.parse(Array(#"{"error": "x"}"#.utf8)) }
    }

    /// DOIs go many to a request (`doi:A__doi:B`), escaped where a path needs it, with the token;
    /// answers come back in the order asked, nil for what Meta lacks; a 429 is waited out.
    @Test func looksUpManyDOIsARequest() async throws {
        let records = try Self.records()
        let server = ReplayServer { path, _, count in
            if count == 0 { return .init(status: .tooManyRequests, headers: ["Retry-After": "0"], body: "{}") }
            let asked = (path.removingPercentEncoding ?? path).components(separatedBy: "/metadata/").last ?? ""
            let dois = Set(asked.components(separatedBy: "__").map { String($0.dropFirst(4)) })
            let found = records.filter { record in
                (record.objectValue?["id"]?.stringValue ?? "").split(separator: " ").contains {
                    dois.contains(String($0.dropFirst(4)))
                }
            }
            return .init(body: JSONWriter.string(.array(found)))
        }
        try await server.start()
        defer { server.stop() }
        let meta = OpenCitationsMeta(
            baseURL: server.url("/meta/api/v1"), token: "oc-token", contact: nil,
            spacing: RequestSpacing(interval: .zero), batchSize: 2)
        let sici = "10.1002/(SICI)1096-9926(199910)60:4<177::AID-TERA1>3.0.CO;2-Z"
        let found = try await meta.records(dois: [sici, "10.9999/unknown", "10.1162/QSS_A_00292"])
        #expect(found.count == 3 && found[1] == nil)
        #expect(found[0]?.title?.hasPrefix("Response To The Letter") == true && found[2]?.title == "OpenCitations Meta")
        let arrivals = server.arrivals.withLock { $0 }
        #expect(arrivals.count == 3 && arrivals.allSatisfy { $0.authorization == "oc-token" })
        #expect(
            arrivals[1].path == arrivals[0].path && !arrivals[1].path.contains("<") && !arrivals[1].path.contains(";"))
        #expect(
            arrivals[1].path.removingPercentEncoding
                == "/meta/api/v1/metadata/doi:\(sici.lowercased())__doi:10.9999/unknown")
    }

    @Test func aHungMetaTimesOutAndGarbageIsAnError() async throws {
        let server = ReplayServer { path, _, _ in
            path.contains("slow") ? .init(body: "[]", delay: .seconds(5)) : .init(body: "<html>busy</html>")
        }
        try await server.start()
        defer { server.stop() }
        let slow = OpenCitationsMeta(
            baseURL: server.url("/slow"), token: nil, contact: nil, spacing: RequestSpacing(interval: .zero),
            timeout: 0.5)
        let error = await #expect(throws: JSONHTTPError.self) { try await slow.records(dois: ["10.1/x"]) }
        #expect(error?.reason == "timed out")
        let garbled = OpenCitationsMeta(
            baseURL: server.url("/meta"), token: nil, contact: nil, spacing: RequestSpacing(interval: .zero))
        await #expect(throws: SourceError.self) { try await garbled.records(dois: ["10.1/x"]) }
    }
}
