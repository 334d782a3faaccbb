/// Reads a parsed rule file into a `MonitorRule`, collecting every problem as a `Diagnostic`
/// that points at the offending token. Keeps going after an error, so one run shows them all.
struct RuleValidator {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Where `"threshold": "auto"` was written (it needs a count window).
    var autoThresholdNodes: [JSONNode] = []

    init(file: String) {
        self.file = file
    }

    mutating func report(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(file: file, location: location, message: message))
    }

    // MARK: Objects and keys

    /// The members of an object by key, after reporting a wrong type, duplicate and unknown keys.
    mutating func members(of node: JSONNode, _ context: String, allowed: [String]) -> [String: JSONNode]? {
        guard case .object(let list) = node.value else {
            report(node.location, "\(context) must be an object, got \(node.typeDescription)")
            return nil
        }
        var result: [String: JSONNode] = [:]
        for member in list {
            if result[member.key] != nil {
                report(member.keyLocation, "duplicate key '\(member.key)' in \(context)")
                continue
            }
            guard allowed.contains(member.key) else {
                let suggestion = Self.suggestion(for: member.key, among: allowed)
                let options = allowed.filter { !$0.hasPrefix("$") }.map { "'\($0)'" }.joined(separator: ", ")
                report(member.keyLocation, "unknown key '\(member.key)' in \(context)" + (suggestion.isEmpty ? "; expected one of \(options)" : suggestion))
                continue
            }
            result[member.key] = member.value
        }
        return result
    }

    /// A required member, or a diagnostic at the object's opening brace.
    mutating func required(_ key: String, in members: [String: JSONNode], of node: JSONNode, _ context: String) -> JSONNode? {
        if let value = members[key] { return value }
        report(node.location, "missing required key '\(key)' in \(context)")
        return nil
    }

    /// Members of an object in file order (for maps such as `features`), with duplicates reported.
    mutating func orderedMembers(of node: JSONNode, _ context: String) -> [JSONNode.Member]? {
        guard case .object(let list) = node.value else {
            report(node.location, "\(context) must be an object, got \(node.typeDescription)")
            return nil
        }
        var seen = Set<String>()
        return list.filter { member in
            guard seen.insert(member.key).inserted else {
                report(member.keyLocation, "duplicate key '\(member.key)' in \(context)")
                return false
            }
            return true
        }
    }

    mutating func array(_ node: JSONNode, _ name: String) -> [JSONNode]? {
        guard case .array(let elements) = node.value else {
            report(node.location, "'\(name)' must be an array, got \(node.typeDescription)")
            return nil
        }
        return elements
    }

    // MARK: Scalars

    mutating func string(_ node: JSONNode, _ name: String, nonEmpty: Bool = true) -> String? {
        guard case .string(let text) = node.value else {
            report(node.location, "'\(name)' must be a string, got \(node.typeDescription)")
            return nil
        }
        if nonEmpty && text.isEmpty {
            report(node.location, "'\(name)' must not be empty")
            return nil
        }
        return text
    }

    mutating func bool(_ node: JSONNode, _ name: String) -> Bool? {
        guard case .bool(let value) = node.value else {
            report(node.location, "'\(name)' must be true or false, got \(node.typeDescription)")
            return nil
        }
        return value
    }

    mutating func integer(_ node: JSONNode, _ name: String, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let value, _) = node.value, value.rounded() == value, abs(value) < 1e15 else {
            report(node.location, "'\(name)' must be an integer \(Self.describe(range)), got \(node.typeDescription == "a number" ? "a fraction" : node.typeDescription)")
            return nil
        }
        guard range.contains(Int(value)) else {
            report(node.location, "'\(name)' must be an integer \(Self.describe(range)), got \(Int(value))")
            return nil
        }
        return Int(value)
    }

    /// A number checked against a range given as text for the message and a predicate.
    mutating func number(_ node: JSONNode, _ name: String, _ rangeText: String, _ isValid: (Double) -> Bool) -> Double? {
        guard case .number(let value, let text) = node.value else {
            report(node.location, "'\(name)' must be a number, got \(node.typeDescription)")
            return nil
        }
        guard isValid(value) else {
            report(node.location, "'\(name)' must be \(rangeText), got \(text)")
            return nil
        }
        return value
    }

    mutating func duration(_ node: JSONNode, _ name: String) -> Double? {
        guard case .string(let text) = node.value else {
            report(node.location, "'\(name)' must be a duration string such as \"90s\", \"30m\", \"6h\" or \"7d\", got \(node.typeDescription)")
            return nil
        }
        guard let seconds = DurationParser.seconds(text) else {
            report(node.location, "'\(name)' must be a duration such as \"90s\", \"30m\", \"6h\" or \"7d\", got \"\(text)\"")
            return nil
        }
        return seconds
    }

    /// One of a fixed set of strings, with a "did you mean" for a near miss.
    mutating func choice(_ node: JSONNode, _ name: String, among allowed: [String]) -> String? {
        guard let text = string(node, name, nonEmpty: false) else { return nil }
        guard allowed.contains(text) else {
            let options = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            report(node.location, "'\(name)' must be one of \(options), got \"\(text)\"" + Self.suggestion(for: text, among: allowed))
            return nil
        }
        return text
    }

    mutating func stringArray(_ node: JSONNode, _ name: String) -> [String]? {
        guard let elements = array(node, name) else { return nil }
        guard !elements.isEmpty else {
            report(node.location, "'\(name)' must not be empty")
            return nil
        }
        var result: [String] = []
        for element in elements {
            guard let text = string(element, "\(name)[]", nonEmpty: false) else { return nil }
            result.append(text)
        }
        guard !result[0].isEmpty else {
            report(elements[0].location, "'\(name)' must start with a program path")
            return nil
        }
        return result
    }

    // MARK: Suggestions

    static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
    }

    /// `"; did you mean 'x'?"` when a near miss is close enough to be a typo.
    static func suggestion(for word: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
        let limit = max(1, min(3, best.0.count / 3))
        return best.1 <= limit ? "; did you mean '\(best.0)'?" : ""
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
