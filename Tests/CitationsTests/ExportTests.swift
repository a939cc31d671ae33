import Citations
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
}
