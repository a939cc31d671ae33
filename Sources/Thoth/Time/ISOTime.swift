import Foundation

/// ISO-8601 times in UTC, computed here rather than by Foundation's formatters: those share
/// state that is not safe under concurrent use on Linux (a formatted date under load corrupted
/// the heap and aborted the server), and this is on every chat and log line.
public enum ISOTime {
    /// `2026-11-29T19:59:55.123`, milliseconds and no zone, as the original's Python `isoformat()`.
    public static func string(_ date: Date) -> String {
        let (day, milliseconds) = parts(date)
        return dateText(day) + "T" + timeText(milliseconds, fraction: true)
    }

    /// `2026-11-29T19:59:55Z`, whole seconds with the zone (log lines, reports, file names).
    public static func utc(_ date: Date) -> String {
        let (day, milliseconds) = parts(date)
        return dateText(day) + "T" + timeText(milliseconds, fraction: false) + "Z"
    }

    /// Days since 1970-01-01 and milliseconds into that day; dates beyond years 1…9999 are clamped.
    static func parts(_ date: Date) -> (day: Int64, milliseconds: Int64) {
        let seconds = date.timeIntervalSince1970
        let limit = 253_402_300_799.0  // 9999-12-31T23:59:59Z
        let clamped = seconds.isFinite ? min(max(seconds, -62_135_596_800), limit) : 0
        let total = Int64((clamped * 1000).rounded(.down))
        let day = total >= 0 ? total / 86_400_000 : (total - 86_399_999) / 86_400_000
        return (day, total - day * 86_400_000)
    }

    /// The proleptic Gregorian date of a day number (Howard Hinnant's `civil_from_days`).
    static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func dateText(_ days: Int64) -> String {
        let (year, month, day) = civil(days)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    static func timeText(_ milliseconds: Int64, fraction: Bool) -> String {
        let seconds = milliseconds / 1000
        let text = padded(seconds / 3600, 2) + ":" + padded(seconds / 60 % 60, 2) + ":" + padded(seconds % 60, 2)
        return fraction ? text + "." + padded(milliseconds % 1000, 3) : text
    }

    static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
