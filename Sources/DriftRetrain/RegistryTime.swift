import Foundation
import Glibc

/// Times as the registry writes them: RFC 3339, UTC, milliseconds.
public enum RegistryTime {
    /// Formats seconds since the Unix epoch, e.g. `2026-11-23T10:00:00.123Z` (milliseconds truncated).
    public static func rfc3339(_ seconds: Double) -> String {
        let totalMilliseconds = Int64((seconds * 1000).rounded(.down))
        var whole = time_t(totalMilliseconds.floorDivided(by: 1000))
        let milliseconds = totalMilliseconds - Int64(whole) * 1000
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds)
        )
    }

    /// The current time, formatted by ``rfc3339(_:)``.
    public static func now() -> String {
        rfc3339(Date().timeIntervalSince1970)
    }
}

extension Int64 {
    /// Division rounding toward minus infinity (times before 1970 stay correct).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
