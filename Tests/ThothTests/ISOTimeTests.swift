import Foundation
import Testing

@testable import Thoth

@Suite struct ISOTimeTests {
    @Test func knownInstants() {
        #expect(ISOTime.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000")
        #expect(ISOTime.string(Date(timeIntervalSince1970: 1_795_982_454.51659)) == "2026-11-29T20:00:54.516")
        #expect(ISOTime.string(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000")
        #expect(ISOTime.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000")
        #expect(ISOTime.utc(Date(timeIntervalSince1970: 4_102_444_799.9)) == "2099-12-31T23:59:59Z")
    }

    @Test func agreesWithFoundationOnManyDates() {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: true)
            .timeSeparator(.colon)
        for _ in 0..<2000 {
            let date = Date(
                timeIntervalSince1970: Double.random(in: -2e9...4e9, using: &generator).rounded() / 1000 * 1000)
            #expect(ISOTime.string(date) == date.formatted(style))
        }
    }

    @Test func absurdDatesAreClampedNotTrapped() {
        for seconds in [Double.nan, .infinity, -.infinity, 1e300, -1e300] {
            #expect(ISOTime.string(Date(timeIntervalSince1970: seconds)).count == 23)
        }
    }
}
