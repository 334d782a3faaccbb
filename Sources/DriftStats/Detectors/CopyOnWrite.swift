/// A value that holds mutable storage by reference, and can copy it: the
/// state `CopyOnWrite` copies before writing to it.
protocol UnsharedCopying {
    /// A copy that shares no mutable storage with `self`.
    func unsharedCopy() -> Self
}

/// A detector's state kept on the heap and copied only when written while
/// shared, so that a detector, and `AnyConceptDriftDetector`, is one
/// reference: moving it in and out of the enum costs nothing per update.
///
/// The value sits behind a pointer owned by a final class (not in a class
/// property), so an update reaches it without a dynamic exclusivity check.
/// Sendable: the value is never written while shared (`modify` copies it
/// first unless the storage is uniquely referenced).
struct CopyOnWrite<Value: Sendable & Codable & Equatable>: @unchecked Sendable, Codable, Equatable {
    private final class Storage {
        let pointer: UnsafeMutablePointer<Value>

        init(_ value: Value) {
            pointer = .allocate(capacity: 1)
            pointer.initialize(to: value)
        }

        deinit {
            pointer.deinitialize(count: 1)
            pointer.deallocate()
        }
    }

    private var storage: Storage

    init(_ value: Value) {
        storage = Storage(value)
    }

    /// The value.
    var value: Value { storage.pointer.pointee }

    /// Runs `body` on the value in place, copying it first if it is shared.
    @inline(__always)
    mutating func modify<Result>(_ body: (inout Value) -> Result) -> Result {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(Self.unshared(storage.pointer.pointee)) }
        return body(&storage.pointer.pointee)
    }

    /// A copy of `value` that shares no mutable storage with it (a value
    /// holding references of its own provides one: see `UnsharedCopying`).
    @inline(never)
    private static func unshared(_ value: Value) -> Value {
        ((value as? any UnsharedCopying)?.unsharedCopy() as? Value) ?? value
    }

    /// Decodes the value itself (no wrapper in the encoding).
    init(from decoder: any Decoder) throws {
        storage = Storage(try Value(from: decoder))
    }

    /// Encodes the value itself.
    func encode(to encoder: any Encoder) throws {
        try storage.pointer.pointee.encode(to: encoder)
    }

    static func == (left: CopyOnWrite, right: CopyOnWrite) -> Bool {
        left.storage === right.storage || left.storage.pointer.pointee == right.storage.pointer.pointee
    }
}
