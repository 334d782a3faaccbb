import Glibc

/// Reads a file line by line in large chunks, handing each complete line to a closure without
/// copying it (the bytes are valid only during the call).
public enum LineReader {
    /// Lines longer than this are reported as malformed and skipped instead of buffered.
    public static let maximumLineLength = 16 << 20

    /// An input file that could not be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// What the closure is given for each line.
    public enum Line {
        case complete(UnsafeBufferPointer<UInt8>)
        /// A line over `maximumLineLength` bytes: skipped.
        case tooLong(Int)
    }

    /// Calls `body` for every line with its 1-based number. A last line without `\n` is passed
    /// only when `includeUnterminated` is true (a finished file in replay; a growing file waits for it).
    public static func forEachLine(path: String, includeUnterminated: Bool,
                                   _ body: (Line, Int) -> Void) throws(ReadError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        var lineNumber = 0
        var skippingLongLine = false
        var skippedLength = 0
        while true {
            if filled == buffer.count {
                if buffer.count < maximumLineLength {
                    buffer.append(contentsOf: repeatElement(0, count: buffer.count))
                } else {
                    skippingLongLine = true
                    skippedLength += filled
                    filled = 0
                }
            }
            let readCount = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if readCount < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, message: String(cString: strerror(errno)))
            }
            if readCount == 0 { break }
            let end = filled + readCount
            var start = 0
            buffer.withUnsafeBufferPointer { all in
                let base = all.baseAddress!
                while start < end, let newline = memchr(base + start, 0x0A, end - start) {
                    let position = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    lineNumber += 1
                    if skippingLongLine {
                        body(.tooLong(skippedLength + position - start), lineNumber)
                        skippingLongLine = false
                        skippedLength = 0
                    } else {
                        body(.complete(UnsafeBufferPointer(start: base + start, count: position - start)), lineNumber)
                    }
                    start = position + 1
                }
            }
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { all in
                    let base = all.baseAddress!
                    memmove(base, base + start, end - start)
                }
            }
            filled = end - start
        }
        if includeUnterminated && (filled > 0 || skippingLongLine) {
            lineNumber += 1
            if skippingLongLine {
                body(.tooLong(skippedLength + filled), lineNumber)
            } else {
                buffer.withUnsafeBufferPointer { body(.complete(UnsafeBufferPointer(rebasing: $0[0..<filled])), lineNumber) }
            }
        }
    }
}
