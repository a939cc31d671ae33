import Discovery
import Testing

@Suite struct PlainTextTests {
    @Test func collapsesWhitespaceAndKeepsOtherLetters() {
        #expect(PlainText.collapsed("  Deep\n\t learning  für\u{00A0}Ärzte \r\n") == "Deep learning für\u{00A0}Ärzte")
        #expect(PlainText.collapsed(" \n ").isEmpty)
    }

    @Test func dropsJATSMarkupAndDecodesItsEntities() {
        let jats = "<jats:title>Abstract</jats:title><jats:p>Ions &amp; molecules: 2 &lt; 3 &gt; 1,\n  é.</jats:p>"
        #expect(PlainText.strippingTags(jats) == "Abstract Ions & molecules: 2 < 3 > 1, é.")
        #expect(PlainText.strippingTags("a &unknown; b") == "a &unknown; b")
    }
}
