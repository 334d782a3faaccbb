/// Labels by prediction id, as they arrive: the label side of the join (CONTRACT.md §1).
///
/// The first label for an id wins; a second one is counted as a duplicate and ignored.
/// A label is matched once a prediction with its id has been seen.
public final class LabelBook: @unchecked Sendable {
    struct Entry {
        var label: RecordParser.Label
        var matched: Bool
    }

    private var entries: [String: Entry] = [:]
    public private(set) var labelCount = 0
    public private(set) var duplicateLabels = 0

    public init() {}

    /// Adds a label; returns false (and counts it) when its id already has one.
    @discardableResult
    public func add(_ label: RecordParser.Label) -> Bool {
        labelCount += 1
        if entries[label.id] != nil {
            duplicateLabels += 1
            return false
        }
        entries[label.id] = Entry(label: label, matched: false)
        return true
    }

    /// The label for a prediction id, if known.
    public func label(for id: String) -> RecordParser.Label? { entries[id]?.label }

    /// Marks that a prediction with this id exists.
    public func markMatched(_ id: String) {
        entries[id]?.matched = true
    }

    /// Labels whose id no prediction has had.
    public var unmatchedLabels: Int { entries.values.reduce(0) { $0 + ($1.matched ? 0 : 1) } }
}
