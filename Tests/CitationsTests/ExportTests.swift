import Citations
import Foundation
import JSON
import Testing

@Suite struct ExportTests {
    var reference: Reference {
        var reference = Reference(raw: "")
        reference.authors = ["J. De Kort", "Bast, A."]
        reference.title = "Stress & strain: 100% of {cases}"
        reference.year = 2003
        reference.venue = "Journal of Hepatology"
        reference.volume = "38"
        reference.pages = "110–111"
        reference.doi = "10.1016/s0168-8278(03)80643-8"
        return reference
    }

    @Test func bibTeXEscapesTeXAndKeepsDOIsVerbatim() {
        let bib = BibTeX.export([reference, reference])
        #expect(bib.contains("@article{dekort2003stress,"))
        #expect(bib.contains("@article{dekort2003stressb,"))  // keys stay unique
        #expect(bib.contains("author = {De Kort, J. and Bast, A.}"))
        #expect(bib.contains(#"title = {Stress \& strain: 100\% of \{cases\}}"#))
        #expect(bib.contains("pages = {110--111}") && bib.contains("doi = {10.1016/s0168-8278(03)80643-8}"))
    }

    @Test func risAndEndNoteSplitPagesAndNames() {
        let ris = RIS.export([reference])
        #expect(ris.hasPrefix("TY  - JOUR\nAU  - De Kort, J.\nAU  - Bast, A.\n"))
        #expect(ris.contains("SP  - 110\nEP  - 111\n") && ris.hasSuffix("ER  - \n"))
        #expect(RIS.endNote([reference]).hasPrefix("%0 Journal Article\n%A De Kort, J.\n"))
    }

    @Test func cslJSONNamesAndDates() {
        let item = CSLJSON.export([reference]).arrayValue?.first?.objectValue
        #expect(item?["type"] == "article-journal" && item?["DOI"] == "10.1016/s0168-8278(03)80643-8")
        #expect(item?["author"] == [["family": "De Kort", "given": "J."], ["family": "Bast", "given": "A."]])
        #expect(item?["issued"] == ["date-parts": [[2003]]])
    }

    @Test func cslJSONReadsCrossrefRecordsAndWritesThemBack() throws {
        let record = try JSONReader.parse(
            #"""
            {"type": "chapter", "title": ["Adding a Widget Intent"], "DOI": "10.1007/978-1-4842-6700-4_7",
             "author": [{"family": "Lynch", "given": "Stewart"}, {"literal": "The R Foundation"},
                        {"family": "Kort", "non-dropping-particle": "de", "given": "J."}, {"given": "X"}],
             "issued": {"date-parts": [[2020, 11, "31"]]}, "container-title": ["Introducing WidgetKit for iOS"],
             "page": "63-80", "volume": 3, "publisher": "Apress"}
            """#)
        let reference = try #require(CSLJSON.references(record).first)
        #expect(reference.authors == ["Lynch, Stewart", "The R Foundation", "de Kort, J.", "X"])
        #expect(reference.title == "Adding a Widget Intent" && reference.venue == "Introducing WidgetKit for iOS")
        #expect(reference.year == 2020 && reference.month == 11 && reference.day == 31 && reference.volume == "3")
        #expect(reference.type == "chapter" && reference.publisher == "Apress" && reference.pages == "63-80")
        let item = try #require(CSLJSON.export([reference]).arrayValue?.first?.objectValue)
        #expect(item["type"] == "chapter" && item["publisher"] == "Apress")
        #expect(item["issued"] == ["date-parts": [[2020, 11, 31]]])
        #expect(
            BibTeX.export([reference]).hasPrefix("@incollection{") && RIS.export([reference]).hasPrefix("TY  - CHAP"))
    }

    @Test func cslJSONLeavesOutWhatItCannotRead() {
        let items = CSLJSON.references(
            ["issued": ["date-parts": [[99_999_999_999, 13]]], "title": 7, "author": "nobody", "page": ["x": 1]])
        #expect(items.count == 1 && items[0].year == nil && items[0].month == nil && items[0].authors.isEmpty)
        #expect(items[0].title == "7" && items[0].pages == nil)
        #expect(CSLJSON.references("not an item").isEmpty)
    }

    @Test func stylesAreFoundByNameNeverByPath() throws {
        let user = FileManager.default.temporaryDirectory.appendingPathComponent("styles-\(UUID().uuidString)")
        let system = user.appendingPathComponent("system")
        try FileManager.default.createDirectory(at: system, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: user) }
        for (folder, name) in [(user, "apa"), (system, "apa"), (system, "modern-language-association")] {
            try Data("<style/>".utf8).write(to: folder.appendingPathComponent("\(name).csl"))
        }
        let styles = CitationStyles(folders: [user.path, system.path])
        #expect(styles.file(named: "APA") == user.path + "/apa.csl")  // the user's own first
        #expect(styles.file(named: "mla") == system.path + "/modern-language-association.csl")
        #expect(
            styles.file(named: "modern-language-association.csl") == system.path + "/modern-language-association.csl")
        #expect(styles.file(named: "system/apa") == nil && styles.file(named: "../apa") == nil)
        #expect(styles.file(named: "ieee") == nil && styles.file(named: "") == nil && styles.count == 2)
    }
}
