import DriftEngine
import Foundation
import Testing

/// Reading files line by line: complete lines, an unterminated last line, lines too long to buffer.
struct LineReaderTests {
    func lines(of text: [UInt8], includeUnterminated: Bool) throws -> [(String, Int)] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-lines-\(UUID().uuidString)")
        try Data(text).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var result: [(String, Int)] = []
        try LineReader.forEachLine(path: url.path, includeUnterminated: includeUnterminated) { line, number in
            switch line {
            case .complete(let bytes): result.append((String(decoding: bytes, as: UTF8.self), number))
            case .tooLong(let length): result.append(("<\(length) bytes>", number))
            }
        }
        return result
    }

    @Test func anUnterminatedLastLineWaitsUnlessTheFileIsFinished() throws {
        let text = Array("a\nb\r\n\nc".utf8)
        #expect(try lines(of: text, includeUnterminated: false).map(\.0) == ["a", "b\r", ""])
        #expect(try lines(of: text, includeUnterminated: true).map(\.1) == [1, 2, 3, 4])
    }

    @Test func aLineLongerThanTheLimitIsReportedAndTheNextLinesAreRead() throws {
        var text = Array("first\n".utf8)
        text += [UInt8](repeating: UInt8(ascii: "x"), count: LineReader.maximumLineLength + 10)
        text += Array("\nlast\n".utf8)
        let found = try lines(of: text, includeUnterminated: true)
        #expect(found.map(\.0) == ["first", "<\(LineReader.maximumLineLength + 10) bytes>", "last"])
        #expect(found.map(\.1) == [1, 2, 3])
    }

    @Test func manyLinesAcrossBufferBoundaries() throws {
        let expected = (0..<50_000).map { "line \($0) " + String(repeating: "y", count: $0 % 97) }
        let found = try lines(of: Array((expected.joined(separator: "\n") + "\n").utf8), includeUnterminated: false)
        #expect(found.map(\.0) == expected)
    }

    @Test func aMissingFileIsAReadError() {
        #expect(throws: LineReader.ReadError.self) {
            try LineReader.forEachLine(path: "/nonexistent/driftd/file.jsonl", includeUnterminated: true) { _, _ in }
        }
    }
}
