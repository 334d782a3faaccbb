import DriftRules
import Glibc

/// The record parser's fast paths. Both accept exactly the lines the straightforward path accepts,
/// with the same values, and give up (return false) on a malformed line or anything they do not
/// handle; `parsePrediction` then tries the next path, from the start of the line.
///
/// - `parseWithTemplate`: the line has the shape of the last one (`LineTemplate`): literals compared
///   word by word, values read in between.
/// - `parsePredictionFast`: key by key, each key first compared with the key the previous line had
///   at that position (`KeyOrderPrediction`), then looked up; it records the line's shape, and the
///   parser makes it the template when the line is valid.
///
/// Values are read by `ByteScanner` (SWAR strings and numbers), categories interned by their bytes.
/// Giving up midway is safe: the only lasting effect of a partial pass is categories interned for
/// members before the point of failure, which every path interns too, in the same order, because
/// they all accept and read the same members up to there.
extension RecordParser {
    typealias Action = LineTemplate.Action

    /// Parses a prediction line of a known shape into `row`; true when it is a valid record with
    /// an id.
    func parseWithTemplate(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var shape = template.current
        guard template.count(shape) > 0, let base = line.baseAddress else { return false }
        let end = line.count
        row.reset()
        var hasID = false
        var p = 0
        var i = 0
        while true {
            var next = template.matchLiteral(shape, i, base, p, end)
            if next < 0 {
                // Another shape with the same beginning (an optional field left out or added).
                guard let (other, position) = template.branch(from: shape, at: i, base, p, end) else { return false }
                shape = other
                next = position
            }
            p = next
            if i == template.count(shape) { break }
            guard p < end else { return false }
            let action = template.action(shape, i)
            i &+= 1
            if action.kind.isNumber {
                // The most common value, inline: a short number.
                let negative = base[p] == UInt8(ascii: "-")
                let digits = negative ? p &+ 1 : p
                if digits < end {
                    var value = 0.0
                    let length = ByteScanner.wordNumber(ByteScanner.wordAt(base, digits, end), negative: negative, value: &value)
                    if length >= 0 {
                        row.numbers[Int(action.column)] = value
                        p = digits &+ length
                        continue
                    }
                }
            }
            p = readValue(action, line, p, hasID: &hasID)
            guard p >= 0 else { return false }
        }
        guard ByteScanner.skipWhitespace(base, p, end) == end, hasID else { return false }
        template.use(shape)
        return true
    }

    /// Parses a prediction line into `row` key by key, recording its shape in `template`; true when
    /// it is a valid record with an id.
    func parsePredictionFast(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return false }
        let end = line.count
        row.reset()
        template.beginRecording()
        var p = ByteScanner.skipWhitespace(base, 0, end)
        guard p < end, base[p] == UInt8(ascii: "{") else { return false }
        p &+= 1
        var hasID = false
        var member = 0
        while true {
            p = Self.nextKey(base, p, end, member: member)
            if p < 0 {
                guard p < -1 else { return false }
                p = -2 &- p
                break
            }
            var (matched, field) = topKeys.match(member: member, base, p, end)
            if matched > 0 {
                p &+= matched
                if base[p &- 1] != UInt8(ascii: ":") { p = Self.colon(base, p, end) }
            } else {
                (p, field) = learnKey(topKeys, member: member, base, p, end, table: layout.predictionTable, codes: nil)
            }
            guard p >= 0 else { return false }
            member &+= 1
            p = Self.valueStart(base, p, end)
            guard p >= 0 else { return false }
            // Field codes are `RecordLayout.PredictionField` raw values (-1 for other keys).
            let action: Action
            switch field {
            case 0: action = Action(kind: .id)
            case 1: action = Action(kind: .timestamp)
            case 2:
                if base[p] == UInt8(ascii: "{") {
                    p = readFeaturesFast(line, p &+ 1)
                    guard p >= 0 else { return false }
                    continue
                }
                action = Action(kind: .skip)
            case 3:
                action = layout.isClassification ? Action(kind: .predictedClass) : Action(kind: .number, column: Int32(row.predictionSlot))
            case 4: action = Action(kind: .number, column: Int32(row.scoreSlot))
            default: action = Action(kind: .skip)
            }
            let start = p
            p = readValue(action, line, p, hasID: &hasID)
            guard p >= 0 else { return false }
            template.record(start, p, action)
        }
        return ByteScanner.skipWhitespace(base, p, end) == end && hasID
    }

    /// The members of `features` from just after its `{`; the position after its `}`, or -1.
    private func readFeaturesFast(_ line: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int {
        let base = line.baseAddress!
        let end = line.count
        var p = position
        var member = 0
        var unused = false
        while true {
            p = Self.nextKey(base, p, end, member: member)
            if p < 0 { return p < -1 ? -2 &- p : -1 }
            var (matched, code) = featureKeys.match(member: member, base, p, end)
            if matched > 0 {
                p &+= matched
                if base[p &- 1] != UInt8(ascii: ":") { p = Self.colon(base, p, end) }
            } else {
                (p, code) = learnKey(featureKeys, member: member, base, p, end, table: layout.featureTable, codes: featureCodes)
            }
            guard p >= 0 else { return -1 }
            member &+= 1
            p = Self.valueStart(base, p, end)
            guard p >= 0 else { return -1 }
            let action = code >= 0 ? Action(kind: .numerical, column: code)
                : code == -1 ? Action(kind: .skip) : Action(kind: .categorical, column: -2 &- code)
            let start = p
            p = readValue(action, line, p, hasID: &unused)
            guard p >= 0 else { return -1 }
            template.record(start, p, action)
        }
    }

    /// Reads the value at `p` (its first byte, or whitespace before it) as `action` says; the
    /// position after it, or -1.
    @inline(__always)
    private func readValue(_ action: Action, _ line: UnsafeBufferPointer<UInt8>, _ p: Int, hasID: inout Bool) -> Int {
        switch action.kind {
        case .numerical: readNumber(line, p, depth: 1, into: &row.numbers[Int(action.column)])
        case .number: readNumber(line, p, depth: 0, into: &row.numbers[Int(action.column)])
        case .categorical:
            categoryDictionaries[Int(action.column)]._withUnsafeGuaranteedRef {
                readCategory(line, p, dictionary: $0, into: &row.categorical[Int(action.column)])
            }
        case .skip: skipValue(line, p, depth: 0)
        case .id: readID(line, p, hasID: &hasID)
        case .timestamp: readTimestamp(line, p)
        case .predictedClass: readClass(line, p, into: &row.predictedClass)
        }
    }

    /// From after an object's `{` (`member` 0) or a member's value: skips to the next key, past its
    /// opening quote, and returns that position; or, at the object's `}`, returns -2 minus the
    /// position after it; or -1 when the line is malformed here.
    @inline(__always)
    private static func nextKey(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, member: Int) -> Int {
        var p = position
        guard p < end else { return -1 }
        var byte = base[p]
        if byte <= 0x20 {
            p = ByteScanner.skipWhitespace(base, p, end)
            guard p < end else { return -1 }
            byte = base[p]
        }
        if member > 0, byte == UInt8(ascii: ",") {
            p &+= 1
            guard p < end else { return -1 }
            byte = base[p]
            if byte <= 0x20 {
                p = ByteScanner.skipWhitespace(base, p, end)
                guard p < end else { return -1 }
                byte = base[p]
            }
            return byte == UInt8(ascii: "\"") ? p &+ 1 : -1
        }
        if byte == UInt8(ascii: "\"") && member == 0 { return p &+ 1 }
        return byte == UInt8(ascii: "}") ? -2 &- (p &+ 1) : -1
    }

    /// After a key's closing quote: skips whitespace and the `:`; the position after it, or -1.
    @inline(__always)
    private static func colon(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        let p = ByteScanner.skipWhitespace(base, position, end)
        return p < end && base[p] == UInt8(ascii: ":") ? p &+ 1 : -1
    }

    /// After a member's `:`: the position of the value's first byte, or -1 at the line's end.
    @inline(__always)
    private static func valueStart(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        guard position < end else { return -1 }
        if base[position] > 0x20 { return position }
        let p = ByteScanner.skipWhitespace(base, position, end)
        return p < end ? p : -1
    }

    /// A key that is not the predicted one: scans it, looks it up in `table` (mapping the index
    /// through `codes` when given), and predicts it for this position from now on. Returns the
    /// position after the `:` (or -1) and the key's code.
    @inline(never)
    private func learnKey(_ prediction: KeyOrderPrediction, member: Int, _ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int,
                          table: KeyTable, codes: UnsafeMutablePointer<Int32>?) -> (Int, Int32) {
        var escaped = false
        let close = ByteScanner.stringEnd(base, position, end, escaped: &escaped)
        guard close >= 0 else { return (-1, -1) }
        var code = Self.code(of: base, position, close, escaped: escaped, in: table)
        if let codes, code >= 0 { code = codes[Int(code)] }
        let colon = close &+ 1 < end && base[close &+ 1] == UInt8(ascii: ":")
        if !escaped { prediction.remember(member: member, base + position, count: close &- position, colon: colon, code: code) }
        return (colon ? close &+ 2 : Self.colon(base, close &+ 1, end), code)
    }

    /// The index of the key whose body is `base[start..<close]` in `table`, or -1.
    private static func code(of base: UnsafePointer<UInt8>, _ start: Int, _ close: Int, escaped: Bool, in table: KeyTable) -> Int32 {
        let body = UnsafeBufferPointer(start: base + start, count: close - start)
        let index = escaped
            ? Array(JSONLineReader.unescape(body).utf8).withUnsafeBufferPointer { table.index(of: $0) }
            : table.index(of: body)
        return index.map { Int32($0) } ?? -1
    }

    // MARK: Values (each returns the position after the value, or -1 to give up)

    /// A number: finite, or NaN (missing) for anything else.
    @inline(__always)
    private func readNumber(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, depth: Int, into target: inout Double) -> Int {
        let base = line.baseAddress!
        let negative = base[p] == UInt8(ascii: "-")
        let digits = negative ? p &+ 1 : p
        if digits < line.count {
            var value = 0.0
            let length = ByteScanner.wordNumber(ByteScanner.wordAt(base, digits, line.count), negative: negative, value: &value)
            if length >= 0 {
                target = value
                return digits &+ length
            }
        }
        return readLongNumber(line, p, depth: depth, into: &target)
    }

    @inline(never)
    private func readLongNumber(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, depth: Int, into target: inout Double) -> Int {
        let base = line.baseAddress!
        let byte = base[p]
        if ByteScanner.isDigit(byte) || byte == UInt8(ascii: "-") {
            var value = 0.0
            let next = ByteScanner.longNumber(base, p, line.count, value: &value)
            if next >= 0 {
                target = value.isFinite ? value : .nan
                return next
            }
        }
        guard let (token, next) = Self.token(line, p, depth: depth) else { return -1 }
        target = Self.number(token) ?? .nan
        return next
    }

    @inline(__always)
    private func readCategory(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, dictionary: CategoryDictionary, into target: inout Int32) -> Int {
        let base = line.baseAddress!
        let end = line.count
        let byte = base[p]
        if byte == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            guard close >= 0 else { return -1 }
            target = dictionary.id(stringBody: base + (p &+ 1), count: close &- p &- 1, readable: end &- p &- 1, escaped: escaped)
            return close &+ 1
        }
        if ByteScanner.isDigit(byte) || byte == UInt8(ascii: "-") {
            var value = 0.0
            let next = ByteScanner.number(base, p, end, value: &value)
            if next >= 0 {
                target = value.isFinite ? dictionary.id(numberSpelling: base + p, count: next &- p, readable: end &- p, value: value) : -1
                return next
            }
        }
        guard let (token, next) = Self.token(line, p, depth: 1) else { return -1 }
        target = category(token, JSONLineReader(bytes: line), dictionary: dictionary) ?? -1
        return next
    }

    private func readClass(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, into target: inout Int32) -> Int {
        let base = line.baseAddress!
        let end = line.count
        let byte = base[p]
        if byte == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            guard close >= 0 else { return -1 }
            target = classes.id(stringBody: base + (p &+ 1), count: close &- p &- 1, readable: end &- p &- 1, escaped: escaped)
            return close &+ 1
        }
        if ByteScanner.isDigit(byte) || byte == UInt8(ascii: "-") {
            var value = 0.0
            let next = ByteScanner.number(base, p, end, value: &value)
            if next >= 0 {
                target = value.isFinite ? classes.id(numberSpelling: base + p, count: next &- p, readable: end &- p, value: value) : -1
                return next
            }
        }
        guard let (token, next) = Self.token(line, p, depth: 0) else { return -1 }
        target = classID(token, JSONLineReader(bytes: line)) ?? -1
        return next
    }

    private func readID(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, hasID: inout Bool) -> Int {
        var id: String?
        let next = readIdentifier(line, p, into: &id)
        if let id {
            row.id = id
            hasID = true
        } else {
            hasID = false
        }
        return next
    }

    /// An id: a string, or a number in canonical form; nil for anything else.
    private func readIdentifier(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, into id: inout String?) -> Int {
        let base = line.baseAddress!
        let end = line.count
        if base[p] == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            guard close >= 0 else { return -1 }
            let body = UnsafeBufferPointer(start: base + (p &+ 1), count: close &- p &- 1)
            id = escaped ? JSONLineReader.unescape(body) : String(decoding: body, as: UTF8.self)
            return close &+ 1
        }
        guard let (token, next) = Self.token(line, p, depth: 0) else { return -1 }
        id = identifier(token, JSONLineReader(bytes: line))
        return next
    }

    // MARK: Labels

    /// `parseLabel` in one pass over the bytes; nil for a malformed line or one it does not handle
    /// (an escaped key), which the straightforward path then reads.
    func parseLabelFast(_ line: UnsafeBufferPointer<UInt8>) -> Label? {
        guard let base = line.baseAddress else { return nil }
        let end = line.count
        var p = ByteScanner.skipWhitespace(base, 0, end)
        guard p < end, base[p] == UInt8(ascii: "{") else { return nil }
        p &+= 1
        var id: String?
        var value = Double.nan
        var classID: Int32 = -1
        var hasLabel = false
        var member = 0
        while true {
            p = Self.nextKey(base, p, end, member: member)
            if p < 0 {
                guard p < -1 else { return nil }
                p = -2 &- p
                break
            }
            var escaped = false
            let close = ByteScanner.stringEnd(base, p, end, escaped: &escaped)
            guard close >= 0, !escaped else { return nil }
            let key = UnsafeBufferPointer(start: base + p, count: close &- p)
            p = Self.colon(base, close &+ 1, end)
            guard p >= 0 else { return nil }
            p = Self.valueStart(base, p, end)
            guard p >= 0 else { return nil }
            member &+= 1
            if Self.equal(key, layout.labelIDKey) {
                p = readIdentifier(line, p, into: &id)
            } else if Self.equal(key, layout.labelKey) {
                if layout.isClassification {
                    p = readClass(line, p, into: &classID)
                    hasLabel = classID >= 0
                } else {
                    p = readNumber(line, p, depth: 0, into: &value)
                    hasLabel = !value.isNaN
                }
            } else {
                p = skipValue(line, p, depth: 0)
            }
            guard p >= 0 else { return nil }
        }
        guard ByteScanner.skipWhitespace(base, p, end) == end, let id, hasLabel else { return nil }
        return Label(id: id, value: value, classID: classID)
    }

    private static func equal(_ key: UnsafeBufferPointer<UInt8>, _ expected: [UInt8]) -> Bool {
        key.count == expected.count && expected.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
    }

    private func readTimestamp(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int {
        let base = line.baseAddress!
        let end = line.count
        if base[p] == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            guard close >= 0 else { return -1 }
            row.timestamp = Timestamp.parse(UnsafeBufferPointer(start: base + (p &+ 1), count: close &- p &- 1), cache: &dateCache) ?? .nan
            return close &+ 1
        }
        if ByteScanner.isDigit(base[p]) || base[p] == UInt8(ascii: "-") {
            var value = 0.0
            let next = ByteScanner.number(base, p, end, value: &value)
            if next >= 0 {
                row.timestamp = value.isFinite ? value : .nan
                return next
            }
        }
        guard let (token, next) = Self.token(line, p, depth: 0) else { return -1 }
        row.timestamp = Self.timestamp(token, JSONLineReader(bytes: line)) ?? .nan
        return next
    }

    /// Skips a value nobody reads (validated all the same).
    @inline(__always)
    private func skipValue(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, depth: Int) -> Int {
        let base = line.baseAddress!
        let end = line.count
        let byte = base[p]
        if byte == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            return close >= 0 ? close &+ 1 : -1
        }
        if ByteScanner.isDigit(byte) || byte == UInt8(ascii: "-") {
            var value = 0.0
            let next = ByteScanner.number(base, p, end, value: &value)
            if next >= 0 { return next }
        }
        guard let (_, next) = Self.token(line, p, depth: depth) else { return -1 }
        return next
    }

    /// Any other value, read by the straightforward reader: literals, `NaN`/`Infinity`, objects and arrays.
    @inline(never)
    private static func token(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, depth: Int) -> (JSONLineReader.Token, Int)? {
        var reader = JSONLineReader(bytes: line)
        reader.position = p
        do {
            let token = try reader.readValue(depth: depth)
            return (token, reader.position)
        } catch {
            return nil
        }
    }
}
