/// Interns category (or class) texts as small integer ids, so columns hold `Int32`s, not strings.
/// Shared by a monitor's reference and windows, so an id means the same category everywhere.
public final class CategoryDictionary: @unchecked Sendable {
    private var ids: [String: Int32] = [:]
    /// The texts by id.
    public private(set) var names: [String] = []

    public init() {}

    /// The id of `text`, adding it when new.
    public func id(for text: String) -> Int32 {
        if let id = ids[text] { return id }
        let id = Int32(names.count)
        ids[text] = id
        names.append(text)
        return id
    }

    /// The id of `text` if it has been seen.
    public func existingID(for text: String) -> Int32? { ids[text] }

    public var count: Int { names.count }
}
