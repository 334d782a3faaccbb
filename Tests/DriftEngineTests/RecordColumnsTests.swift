@testable import DriftEngine
import Testing

/// Columns committed in blocks read exactly like columns appended row by row, whenever they are read.
struct RecordColumnsTests {
    /// The plain model: one array per column, appended row by row.
    struct Model {
        var ids: [String] = []
        var timestamps: [Double] = []
        var streamIndexes: [Int] = []
        var numerical: [[Double]] = [[], []]
        var categorical: [[Int32]] = [[]]
        var prediction: [Double] = []
        var predictedClass: [Int32] = []
        var score: [Double] = []
    }

    static func expectEqual(_ columns: RecordColumns, _ model: Model) {
        #expect(columns.count == model.ids.count)
        #expect(columns.ids == model.ids)
        #expect(columns.timestamps == model.timestamps)
        #expect(columns.streamIndexes == model.streamIndexes)
        #expect(columns.numerical == model.numerical)
        #expect(columns.categorical == model.categorical)
        #expect(columns.prediction == model.prediction)
        #expect(columns.predictedClass == model.predictedClass)
        #expect(columns.score == model.score)
    }

    @Test(arguments: [1, 63, 64, 65, 200, 1000])
    func blocksReadLikeRows(readEvery: Int) {
        var random = RecordParserFastPathTests.SplitMix64(state: UInt64(readEvery))
        let columns = RecordColumns(numericalCount: 2, categoricalCount: 1)
        var model = Model()
        var row = RecordRow(numericalCount: 2, categoricalCount: 1)
        defer { row.deallocate() }
        for index in 0..<3000 {
            row.id = "id-\(index)"
            row.timestamp = Double(index) + 0.5
            row.numerical[0] = Double(random.next() % 1000)
            row.numerical[1] = -Double(index)
            row.categorical[0] = Int32(random.next() % 7)
            row.prediction = Double(index) * 2
            row.predictedClass = Int32(index % 3)
            row.score = 1 / Double(index + 1)
            columns.append(row, streamIndex: index + 10)
            model.ids.append(row.id)
            model.timestamps.append(row.timestamp)
            model.streamIndexes.append(index + 10)
            model.numerical[0].append(row.numerical[0])
            model.numerical[1].append(row.numerical[1])
            model.categorical[0].append(row.categorical[0])
            model.prediction.append(row.prediction)
            model.predictedClass.append(row.predictedClass)
            model.score.append(row.score)
            #expect(columns.count == model.ids.count)
            if index % readEvery == readEvery - 1 { Self.expectEqual(columns, model) }
            // Drop some rows now and then, pending ones or not.
            do {
                if random.next() % 97 == 0 {
                    let n = Int(random.next() % UInt64(model.ids.count + 1))
                    columns.removeFirst(n)
                    model.ids.removeFirst(n)
                    model.timestamps.removeFirst(n)
                    model.streamIndexes.removeFirst(n)
                    model.numerical[0].removeFirst(n)
                    model.numerical[1].removeFirst(n)
                    model.categorical[0].removeFirst(n)
                    model.prediction.removeFirst(n)
                    model.predictedClass.removeFirst(n)
                    model.score.removeFirst(n)
                }
            }
        }
        Self.expectEqual(columns, model)
    }
}
