import DriftRules

/// Interns category (or class) texts as small integer ids, so columns hold `Int32`s, not strings.
/// Shared by a monitor's reference and windows, so an id means the same category everywhere.
public final class CategoryDictionary: @unchecked Sendable {
    private var ids: [String: Int32] = [:]
    /// The texts by id.
    public private(set) var names: [String] = []
    /// Caches in front of `ids`, keyed by a JSON token's raw bytes: string bodies as written (escapes
    /// included) and number spellings. The `String` dictionary stays the authority (its keys compare
    /// by canonical equivalence, so two byte spellings may be one category); a cache entry only
    /// remembers what the dictionary answered for those exact bytes, which always decode the same way.
    private let stringCache = ByteKeyTable()
    private let numberCache = ByteKeyTable()

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

    /// The id of a JSON string token whose body (between the quotes, escapes as written) is the
    /// `count` bytes at `body`: `id(for:)` of the decoded text, cached by bytes. `readable` is how
    /// many bytes from `body` may be read (at least `count + 1`: the closing quote follows).
    @inline(__always)
    func id(stringBody body: UnsafePointer<UInt8>, count: Int, readable: Int, escaped: Bool) -> Int32 {
        let cached = stringCache.value(body, count: count, readable: readable)
        if cached >= 0 { return cached }
        let buffer = UnsafeBufferPointer(start: body, count: count)
        let text = escaped ? JSONLineReader.unescape(buffer) : String(decoding: buffer, as: UTF8.self)
        let id = id(for: text)
        stringCache.insert(body, count: count, value: id)
        return id
    }

    /// The id of a finite JSON number spelled by the `count` bytes at `spelling`, whose value is
    /// `value`: `id(for: ClassValue.canonical(number:))`, cached by spelling.
    @inline(__always)
    func id(numberSpelling spelling: UnsafePointer<UInt8>, count: Int, readable: Int, value: Double) -> Int32 {
        let cached = numberCache.value(spelling, count: count, readable: readable)
        if cached >= 0 { return cached }
        let id = id(for: ClassValue.canonical(number: value))
        numberCache.insert(spelling, count: count, value: id)
        return id
    }
}
