import DriftRules

/// Parses prediction and label lines straight into columns (CONTRACT.md §1).
///
/// A line that is not a JSON object, is not valid JSON, or lacks the id is malformed. A value of
/// the wrong kind for its feature is a missing value, not a malformed line.
///
/// Three paths give one result, each tried when the one before gives up (`RecordParser+FastPath.swift`):
/// the last valid line's shape as a template (`LineTemplate`: literals compared word by word, values
/// read in between), then key by key with the key order predicted from the previous line
/// (`KeyOrderPrediction`), then the straightforward path below (`JSONLineReader` tokens), which
/// also writes every malformed line's reason. Values are read by `ByteScanner` (SWAR strings and
/// numbers, Clinger and Eisel-Lemire for exact doubles) and categories interned by their bytes.
/// Tests compare the fast paths with the straightforward one on random and adversarial lines.
public final class RecordParser: @unchecked Sendable {
    public let layout: RecordLayout
    /// Category ids per categorical feature.
    public let categories: [CategoryDictionary]
    /// Class ids for predicted classes and labels (classification).
    public let classes: CategoryDictionary
    var row: RecordRow
    /// Fast path: the previous line's key order, at the top level and in `features`.
    let topKeys = KeyOrderPrediction()
    let featureKeys = KeyOrderPrediction()
    /// Fast path: the last valid line's shape.
    let template = LineTemplate()
    /// Fast path: the date of the last string timestamp.
    var dateCache = Timestamp.DateCache()
    /// Fast path: each feature's column as one code, `i` for numerical column i, `-2 - i` for categorical column i.
    let featureCodes: UnsafeMutablePointer<Int32>
    /// Fast path: `categories` without reference counting.
    let categoryDictionaries: UnsafeMutablePointer<Unmanaged<CategoryDictionary>>

    public init(layout: RecordLayout, categories: [CategoryDictionary], classes: CategoryDictionary) {
        self.layout = layout
        self.categories = categories
        self.classes = classes
        row = RecordRow(numericalCount: layout.numericalCount, categoricalCount: layout.categoricalCount)
        featureCodes = .allocate(capacity: max(1, layout.slots.count))
        for (index, slot) in layout.slots.enumerated() {
            switch slot {
            case .numerical(let i): featureCodes[index] = Int32(i)
            case .categorical(let i): featureCodes[index] = Int32(-2 - i)
            }
        }
        categoryDictionaries = .allocate(capacity: max(1, categories.count))
        for (index, dictionary) in categories.enumerated() {
            categoryDictionaries[index] = Unmanaged.passUnretained(dictionary)
        }
    }

    deinit {
        row.deallocate()
        featureCodes.deallocate()
        categoryDictionaries.deallocate()
    }

    /// A label: the prediction id it belongs to and its value.
    public struct Label: Sendable {
        public var id: String
        /// The label as a number (regression).
        public var value: Double
        /// The label's class id (classification).
        public var classID: Int32
    }

    /// The timestamp of the prediction parsed last (NaN when it had none).
    public var parsedTimestamp: Double { row.timestamp }

    /// The id of the prediction parsed last.
    public var parsedID: String { row.id }

    /// The prediction parsed last: its number (regression; NaN when missing) and class id (classification; -1 when missing).
    public var parsedPrediction: (value: Double, classID: Int32) { (row.prediction, row.predictedClass) }

    /// Appends the prediction parsed last to `columns`.
    public func commitPrediction(to columns: RecordColumns, streamIndex: Int) {
        columns.append(row, streamIndex: streamIndex)
    }

    /// Parses one prediction line (then `commitPrediction` stores it); returns the reason when malformed.
    public func parsePrediction(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        if parseWithTemplate(line) { return nil }
        if parsePredictionFast(line) {
            template.learn(line)
            return nil
        }
        return parsePredictionStraightforward(line)
    }

    /// `parsePrediction` token by token with `JSONLineReader`: the reference for the fast path, and
    /// what gives a malformed line its reason.
    func parsePredictionStraightforward(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        row.reset()
        var reader = JSONLineReader(bytes: line)
        do {
            guard reader.beginObject() else { return "not a JSON object" }
            var hasID = false
            var first = true
            while let key = try reader.nextKey(first: first) {
                first = false
                switch field(key, reader) {
                case .id:
                    if let id = identifier(try reader.readValue(), reader) {
                        row.id = id
                        hasID = true
                    } else {
                        hasID = false
                    }
                case .features:
                    try readFeatures(&reader)
                case .timestamp:
                    row.timestamp = Self.timestamp(try reader.readValue(), reader) ?? .nan
                case .prediction:
                    let token = try reader.readValue()
                    if layout.isClassification {
                        row.predictedClass = classID(token, reader) ?? -1
                    } else {
                        row.prediction = Self.number(token) ?? .nan
                    }
                case .score:
                    row.score = Self.number(try reader.readValue()) ?? .nan
                case nil:
                    _ = try reader.readValue()
                }
            }
            try reader.expectEnd()
            guard hasID else { return "no \"\(String(decoding: layout.idKey, as: UTF8.self))\" (a string or number)" }
        } catch {
            return "invalid JSON: \(error.message) at byte \(error.offset + 1)"
        }
        return nil
    }

    private func field(_ key: (range: Range<Int>, escaped: Bool), _ reader: borrowing JSONLineReader) -> RecordLayout.PredictionField? {
        let index = key.escaped
            ? Array(reader.string(key.range, escaped: true).utf8).withUnsafeBufferPointer { layout.predictionTable.index(of: $0) }
            : layout.predictionTable.index(of: UnsafeBufferPointer(rebasing: reader.bytes[key.range]))
        return index.flatMap(RecordLayout.PredictionField.init(rawValue:))
    }

    /// Parses one label line; returns the label, or the reason when malformed.
    public func parseLabel(_ line: UnsafeBufferPointer<UInt8>) -> Result<Label, LineError> {
        if let label = parseLabelFast(line) { return .success(label) }
        return parseLabelStraightforward(line)
    }

    /// `parseLabel` token by token: the reference for the fast path, and what gives a malformed
    /// line its reason.
    func parseLabelStraightforward(_ line: UnsafeBufferPointer<UInt8>) -> Result<Label, LineError> {
        var reader = JSONLineReader(bytes: line)
        var id: String?
        var value = Double.nan
        var classID: Int32 = -1
        var hasLabel = false
        do {
            guard reader.beginObject() else { return .failure(LineError("not a JSON object")) }
            var first = true
            while let key = try reader.nextKey(first: first) {
                first = false
                if reader.equals(key.range, escaped: key.escaped, layout.labelIDKey) {
                    id = identifier(try reader.readValue(), reader)
                } else if reader.equals(key.range, escaped: key.escaped, layout.labelKey) {
                    let token = try reader.readValue()
                    if layout.isClassification {
                        classID = self.classID(token, reader) ?? -1
                        hasLabel = classID >= 0
                    } else {
                        value = Self.number(token) ?? .nan
                        hasLabel = !value.isNaN
                    }
                } else {
                    _ = try reader.readValue()
                }
            }
            try reader.expectEnd()
        } catch {
            return .failure(LineError("invalid JSON: \(error.message) at byte \(error.offset + 1)"))
        }
        let labelName = String(decoding: layout.labelKey, as: UTF8.self)
        guard let id else { return .failure(LineError("no \"\(String(decoding: layout.labelIDKey, as: UTF8.self))\" (a string or number)")) }
        guard hasLabel else {
            return .failure(LineError(layout.isClassification ? "no \"\(labelName)\" (a class: string, number or boolean)" : "no \"\(labelName)\" (a finite number)"))
        }
        return .success(Label(id: id, value: value, classID: classID))
    }

    private func readFeatures(_ reader: inout JSONLineReader) throws(JSONLineReader.Failure) {
        reader.skipWhitespace()
        guard !reader.isAtEnd, reader.bytes[reader.position] == UInt8(ascii: "{") else {
            _ = try reader.readValue()
            return
        }
        _ = reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: first) {
            first = false
            guard let slot = slot(for: key, reader) else {
                _ = try reader.readValue()
                continue
            }
            let token = try reader.readValue(depth: 1)
            switch slot {
            case .numerical(let i):
                row.numerical[i] = Self.number(token) ?? .nan
            case .categorical(let i):
                row.categorical[i] = category(token, reader, dictionary: categories[i]) ?? -1
            }
        }
    }

    private func slot(for key: (range: Range<Int>, escaped: Bool), _ reader: borrowing JSONLineReader) -> RecordLayout.Slot? {
        let index = key.escaped
            ? Array(reader.string(key.range, escaped: true).utf8).withUnsafeBufferPointer { layout.featureTable.index(of: $0) }
            : layout.featureTable.index(of: UnsafeBufferPointer(rebasing: reader.bytes[key.range]))
        return index.map { layout.slots[$0] }
    }

    /// Ids may be strings or numbers (numbers in canonical form).
    func identifier(_ token: JSONLineReader.Token, _ reader: borrowing JSONLineReader) -> String? {
        switch token {
        case .string(let range, let escaped): reader.string(range, escaped: escaped)
        case .number(let value): ClassValue.canonical(number: value)
        default: nil
        }
    }

    func category(_ token: JSONLineReader.Token, _ reader: borrowing JSONLineReader, dictionary: CategoryDictionary) -> Int32? {
        switch token {
        case .string(let range, let escaped): dictionary.id(for: reader.string(range, escaped: escaped))
        case .number(let value): dictionary.id(for: ClassValue.canonical(number: value))
        case .bool(let value): dictionary.id(for: ClassValue.canonical(bool: value, asClass: false))
        default: nil
        }
    }

    func classID(_ token: JSONLineReader.Token, _ reader: borrowing JSONLineReader) -> Int32? {
        switch token {
        case .string(let range, let escaped): classes.id(for: reader.string(range, escaped: escaped))
        case .number(let value): classes.id(for: ClassValue.canonical(number: value))
        case .bool(let value): classes.id(for: ClassValue.canonical(bool: value, asClass: true))
        default: nil
        }
    }

    /// A finite number, or nil (missing) for anything else.
    static func number(_ token: JSONLineReader.Token) -> Double? {
        if case .number(let value) = token { return value }
        return nil
    }

    static func timestamp(_ token: JSONLineReader.Token, _ reader: borrowing JSONLineReader) -> Double? {
        switch token {
        case .number(let value): value
        case .string(let range, _): Timestamp.parse(UnsafeBufferPointer(rebasing: reader.bytes[range]))
        default: nil
        }
    }
}

/// Why a line was rejected.
public struct LineError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
