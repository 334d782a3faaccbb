import DriftRules

/// The record parser's fast path: one pass over the line's bytes with the key order predicted
/// from the previous line, numbers and strings scanned by `ByteScanner`, categories interned by
/// their bytes. It accepts exactly the lines the straightforward path accepts, with the same
/// values; it gives up (returns false) on a malformed line or anything it does not handle itself
/// inline, and `parsePrediction` then runs the straightforward path from the start.
///
/// Giving up midway is safe: the only lasting effect of a partial pass is categories interned for
/// members before the point of failure, which the straightforward path interns too, in the same
/// order, because it accepts and reads the same members up to there.
extension RecordParser {
    /// Parses a prediction line into `row`; true when it is a valid record with an id.
    func parsePredictionFast(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return false }
        let end = line.count
        row.reset()
        var p = ByteScanner.skipWhitespace(base, 0, end)
        guard p < end, base[p] == UInt8(ascii: "{") else { return false }
        p &+= 1
        var hasID = false
        var member = 0
        while true {
            p = ByteScanner.skipWhitespace(base, p, end)
            guard p < end else { return false }
            var byte = base[p]
            if byte == UInt8(ascii: "}") {
                p &+= 1
                break
            }
            if member > 0 {
                guard byte == UInt8(ascii: ",") else { return false }
                p = ByteScanner.skipWhitespace(base, p &+ 1, end)
                guard p < end else { return false }
                byte = base[p]
            }
            guard byte == UInt8(ascii: "\"") else { return false }
            p &+= 1
            let field: Int32
            let matched = topKeys.match(member: member, base, p, end)
            if matched > 0 {
                field = topKeys.codes[member]
                p &+= matched
            } else {
                var escaped = false
                let close = ByteScanner.stringEnd(base, p, end, escaped: &escaped)
                guard close >= 0 else { return false }
                field = Self.code(of: base, p, close, escaped: escaped, in: layout.predictionTable)
                if !escaped { topKeys.remember(member: member, base + p, count: close &- p, code: field) }
                p = close &+ 1
            }
            member &+= 1
            p = valueStart(base, p, end)
            guard p >= 0 else { return false }
            // Field codes are `RecordLayout.PredictionField` raw values (-1 for other keys).
            switch field {
            case 0: // id
                p = readID(line, p, hasID: &hasID)
            case 1: // timestamp
                p = readTimestamp(line, p)
            case 2: // features
                p = base[p] == UInt8(ascii: "{") ? readFeaturesFast(line, p &+ 1) : skipValue(line, p, depth: 0)
            case 3: // prediction
                if layout.isClassification {
                    p = readClass(line, p, into: &row.predictedClass)
                } else {
                    p = readNumber(line, p, depth: 0, into: &row.prediction)
                }
            case 4: // score
                p = readNumber(line, p, depth: 0, into: &row.score)
            default:
                p = skipValue(line, p, depth: 0)
            }
            guard p >= 0 else { return false }
        }
        return ByteScanner.skipWhitespace(base, p, end) == end && hasID
    }

    /// After a key's closing quote: skips `:` and whitespace; the position of the value's first
    /// byte, or -1.
    @inline(__always)
    private func valueStart(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        var p = position
        if p < end, base[p] == UInt8(ascii: ":") {
            p &+= 1
        } else {
            p = ByteScanner.skipWhitespace(base, p, end)
            guard p < end, base[p] == UInt8(ascii: ":") else { return -1 }
            p &+= 1
        }
        if p < end, base[p] > 0x20 { return p }
        p = ByteScanner.skipWhitespace(base, p, end)
        return p < end ? p : -1
    }

    /// The code of the key whose body is `base[start..<close]` in `table`, or -1.
    @inline(never)
    private static func code(of base: UnsafePointer<UInt8>, _ start: Int, _ close: Int, escaped: Bool, in table: KeyTable) -> Int32 {
        let body = UnsafeBufferPointer(start: base + start, count: close - start)
        let index = escaped
            ? Array(JSONLineReader.unescape(body).utf8).withUnsafeBufferPointer { table.index(of: $0) }
            : table.index(of: body)
        return index.map { Int32($0) } ?? -1
    }

    /// The members of `features` from just after its `{`; the position after its `}`, or -1.
    private func readFeaturesFast(_ line: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int {
        let base = line.baseAddress!
        let end = line.count
        var p = position
        var member = 0
        while true {
            p = ByteScanner.skipWhitespace(base, p, end)
            guard p < end else { return -1 }
            var byte = base[p]
            if byte == UInt8(ascii: "}") { return p &+ 1 }
            if member > 0 {
                guard byte == UInt8(ascii: ",") else { return -1 }
                p = ByteScanner.skipWhitespace(base, p &+ 1, end)
                guard p < end else { return -1 }
                byte = base[p]
            }
            guard byte == UInt8(ascii: "\"") else { return -1 }
            p &+= 1
            let code: Int32
            let matched = featureKeys.match(member: member, base, p, end)
            if matched > 0 {
                code = featureKeys.codes[member]
                p &+= matched
            } else {
                var escaped = false
                let close = ByteScanner.stringEnd(base, p, end, escaped: &escaped)
                guard close >= 0 else { return -1 }
                let index = Self.code(of: base, p, close, escaped: escaped, in: layout.featureTable)
                code = index >= 0 ? featureCodes[Int(index)] : -1
                if !escaped { featureKeys.remember(member: member, base + p, count: close &- p, code: code) }
                p = close &+ 1
            }
            member &+= 1
            p = valueStart(base, p, end)
            guard p >= 0 else { return -1 }
            if code >= 0 {
                p = readNumber(line, p, depth: 1, into: &row.numerical[Int(code)])
            } else if code == -1 {
                p = skipValue(line, p, depth: 0)
            } else {
                let column = Int(-2 &- code)
                p = readCategory(line, p, dictionary: categoryDictionaries[column].takeUnretainedValue(), into: &row.categorical[column])
            }
            guard p >= 0 else { return -1 }
        }
    }

    // MARK: Values (each returns the position after the value, or -1 to give up)

    /// A number: finite, or NaN (missing) for anything else.
    @inline(__always)
    private func readNumber(_ line: UnsafeBufferPointer<UInt8>, _ p: Int, depth: Int, into target: inout Double) -> Int {
        let base = line.baseAddress!
        let byte = base[p]
        if ByteScanner.isDigit(byte) || byte == UInt8(ascii: "-") {
            var value = 0.0
            let next = ByteScanner.number(base, p, line.count, value: &value)
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
        let base = line.baseAddress!
        let end = line.count
        let byte = base[p]
        if byte == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            guard close >= 0 else { return -1 }
            let body = UnsafeBufferPointer(start: base + (p &+ 1), count: close &- p &- 1)
            row.id = escaped ? JSONLineReader.unescape(body) : String(decoding: body, as: UTF8.self)
            hasID = true
            return close &+ 1
        }
        guard let (token, next) = Self.token(line, p, depth: 0) else { return -1 }
        if let id = identifier(token, JSONLineReader(bytes: line)) {
            row.id = id
            hasID = true
        } else {
            hasID = false
        }
        return next
    }

    private func readTimestamp(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int {
        let base = line.baseAddress!
        let end = line.count
        if base[p] == UInt8(ascii: "\"") {
            var escaped = false
            let close = ByteScanner.stringEnd(base, p &+ 1, end, escaped: &escaped)
            guard close >= 0 else { return -1 }
            row.timestamp = Timestamp.parse(UnsafeBufferPointer(start: base + (p &+ 1), count: close &- p &- 1)) ?? .nan
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
