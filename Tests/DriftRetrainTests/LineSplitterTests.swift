@testable import DriftRetrain
import Testing

@Suite("LineSplitter")
struct LineSplitterTests {
    @Test func linesSplitAcrossChunksAreJoined() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("ab".utf8)) == [])
        #expect(splitter.append(Array("c\nde\n\nf".utf8)) == ["abc", "de", ""])
        #expect(splitter.finish() == "f")
        #expect(splitter.finish() == nil)
    }

    @Test func overlongLineIsCutAtTheLimitAndItsRestDropped() {
        let limit = 8
        var splitter = LineSplitter(limit: limit)
        let long = String(repeating: "x", count: limit * 3)
        #expect(splitter.append(Array((long + "\nnext\n").utf8)) == [String(repeating: "x", count: limit), "next"])
    }

    @Test func invalidUTF8IsReplaced() {
        var splitter = LineSplitter()
        #expect(splitter.append([0x61, 0xFF, 0x62, 0x0A]) == ["a\u{FFFD}b"])
    }
}
