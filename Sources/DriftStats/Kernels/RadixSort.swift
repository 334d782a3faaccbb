#if canImport(Glibc)
import Glibc
#endif

/// A radix sort of doubles by their bit patterns: the window's sort before
/// Kolmogorov-Smirnov and Wasserstein.
///
/// It sorts into the same order as `Array.sort()` for NaN-free data, except
/// that `-0.0` comes before `0.0` (the standard library keeps equal values in
/// no particular order, and the two zeros are equal). The statistics compare
/// values with `<=` and `==`, so they are blind to the order of the two
/// zeros; the tests check that KS, Wasserstein, quantiles and histograms give
/// bit-identical results on radix-sorted and comparison-sorted data.
///
/// How it works:
/// - each double's bits become an unsigned key that orders as the double
///   does (Herf, "Radix Tricks"): a negative number's bits are all flipped, a
///   positive number's sign bit is set; NaN with the sign bit sorts first,
///   other NaN last;
/// - most significant digit first, so that after one pass over the whole
///   array every bucket fits in the cache and is finished there: a
///   least-significant-digit sort makes six passes over the whole array,
///   each scattering to main memory (62 ns per value measured here, where
///   `np.sort` takes about 25);
/// - above ``groupedCount`` values the first pass maps each key to one of
///   65,536 ordered slots, its sign and exponent and as many mantissa bits
///   as fit (doubles cluster in a few exponents), groups consecutive slots
///   into 256 to 1,024 groups of about equal size (about 8,192 keys each),
///   as a sample of the keys shows, counts the groups exactly in one read
///   and scatters the keys to them, into the result array; each group is
///   then sorted in place in a cache-sized work buffer;
/// - below, a digit is the top bits of the bits that vary in its range (OR
///   and AND of every key, or bounds known from the slots), about two keys
///   per bucket; buckets of more than ``leafCount`` keys are split again;
///   one insertion sort over the range finishes it, turning keys back into
///   doubles as they are written in their final place.
///
/// Small arrays (below ``comparisonCount`` values) use the standard library's
/// sort, whose insertion sort wins there.
public enum RadixSort {
    /// Below this many values the standard library's comparison sort is used.
    static let comparisonCount = 64
    /// Buckets of at most this many keys are finished by insertion sort.
    static let leafCount = 48
    /// Above this many keys, a pass groups a 16-bit digit's buckets.
    static let groupedCount = 1 << 15
    /// The widest plain digit, in bits (2,048 buckets).
    static let widestDigit = 11
    /// The grouped digit's width, in bits (at most).
    static let groupedDigit = 16
    /// The fewest and the most groups of a grouped pass: about one per 8,192
    /// keys in between, so that a group fits in the L2 cache and is finished
    /// by one plain pass.
    static let groupCountRange = 256...1024
    /// The keys sampled per group to choose a grouped pass's groups.
    static let samplesPerGroup = 16

    /// Sorts `values` ascending (NaN-free data: the order of `Array.sort()`,
    /// with `-0.0` before `0.0`).
    public static func sort(_ values: inout [Double]) {
        let count = values.count
        if count < comparisonCount {
            values.sort()
            return
        }
        values.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UInt64.self) { bits in
                sortRange(bits.baseAddress!, bits.baseAddress!, nil, count, fromDoubles: true, toDoubles: true)
            }
        }
    }

    /// `values` sorted ascending, as ``sort(_:)`` orders them, read from
    /// `values` and written to the new array (no copy first).
    public static func sorted(_ values: [Double]) -> [Double] {
        let count = values.count
        if count < comparisonCount {
            return values.sorted()
        }
        return [Double](unsafeUninitializedCapacity: count) { output, initialized in
            values.withUnsafeBufferPointer { input in
                input.withMemoryRebound(to: UInt64.self) { inputBits in
                    output.withMemoryRebound(to: UInt64.self) { outputBits in
                        // Only read: a source distinct from the target is never written.
                        let source = UnsafeMutablePointer(mutating: inputBits.baseAddress!)
                        sortRange(source, outputBits.baseAddress!, nil, count, fromDoubles: true, toDoubles: true)
                    }
                }
            }
            initialized = count
        }
    }

    /// Scratch space for `count` keys. A large buffer is aligned to 2 MiB and,
    /// on Linux, marked for transparent huge pages: a fresh 8 MB buffer
    /// otherwise takes 2,048 page faults on its first write, and the scatter
    /// to 256 places at once misses the TLB less with 2 MiB pages.
    static func allocateScratch(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        let bytes = count * MemoryLayout<UInt64>.stride
        let hugePage = 1 << 21
        var memory: UnsafeMutableRawPointer?
        if bytes >= 2 * hugePage {
            let rounded = (bytes + hugePage - 1) & ~(hugePage - 1)
            if posix_memalign(&memory, hugePage, rounded) == 0, let memory {
                #if os(Linux)
                _ = madvise(memory, rounded, MADV_HUGEPAGE)
                #endif
                return memory.bindMemory(to: UInt64.self, capacity: count)
            }
        }
        guard let plain = malloc(max(bytes, 1)) else { fatalError("out of memory sorting \(count) values") }
        return plain.bindMemory(to: UInt64.self, capacity: count)
    }

    // MARK: - Keys

    /// The unsigned key of a double's bits: ascending keys are ascending doubles.
    @inline(__always)
    static func key(_ bits: UInt64) -> UInt64 {
        // All ones for a negative number, only the sign bit otherwise.
        let flip = (0 &- (bits &>> 63)) | 0x8000_0000_0000_0000
        return bits ^ flip
    }

    /// The bits of the double whose key is `key` (the inverse of ``key(_:)``).
    @inline(__always)
    static func bits(_ key: UInt64) -> UInt64 {
        // A key with the sign bit set came from a positive number.
        let flip = (0 &- (~key &>> 63)) | 0x8000_0000_0000_0000
        return key ^ flip
    }

    // MARK: - Levels

    /// Sorts the `count` keys at `source` (doubles' bits if `fromDoubles`)
    /// into `target` (doubles' bits if `toDoubles`, else keys), which is
    /// `source` or does not overlap it. `work`, if given, holds at least
    /// `count` keys, overlaps neither, and should be in the cache: the keys
    /// are scattered there and finished there, then written to `target` in
    /// one stream (without it, one is allocated when needed). `source` is
    /// only read (unless it is the target).
    ///
    /// `highestHint`, when given, is a bit at or above the highest bit that
    /// differs between the keys (the varying bits are then not computed: a
    /// digit may fall on constant bits, and the buckets are split again).
    /// `grouped: false` rules out a grouped pass (after one that did not
    /// split the keys), so that every pass makes progress.
    static func sortRange(
        _ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>,
        _ work: UnsafeMutablePointer<UInt64>?, _ count: Int,
        fromDoubles: Bool, toDoubles: Bool, highestHint: Int? = nil, grouped: Bool = true
    ) {
        if count <= leafCount && !fromDoubles {
            insertionSort(source, target, count, toDoubles: toDoubles)
            return
        }
        if grouped && fromDoubles && count > groupedCount {
            groupedLevel(source, target, work, count, highest: nil, fromDoubles: true, toDoubles: toDoubles)
            return
        }
        let highest: Int
        let span: Int
        if let highestHint {
            highest = highestHint
            span = highestHint + 1
        } else {
            let varying = fromDoubles
                ? varyingBits(source, count, fromDoubles: true) : varyingBits(source, count, fromDoubles: false)
            if varying == 0 {
                copyEqualKeys(source, target, count, fromDoubles: fromDoubles, toDoubles: toDoubles)
                return
            }
            highest = 63 - varying.leadingZeroBitCount
            span = highest - varying.trailingZeroBitCount + 1
        }
        if grouped && count > groupedCount && span > widestDigit {
            groupedLevel(source, target, work, count, highest: highest, fromDoubles: fromDoubles, toDoubles: toDoubles)
            return
        }
        // About two keys per bucket, at most 2,048 buckets; the buckets are
        // then finished together by one insertion sort over the range.
        let width = min(span, max(1, min(widestDigit, Int.bitWidth - count.leadingZeroBitCount - 1)))
        let shift = UInt64(highest + 1 - width)
        let mask = UInt64(1 << width) - 1
        let bucketCount = 1 << width
        let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: bucketCount)
        defer { offsets.deallocate() }
        offsets.initialize(repeating: 0, count: bucketCount)
        if fromDoubles {
            for index in 0..<count { offsets[Int(truncatingIfNeeded: (key(source[index]) &>> shift) & mask)] &+= 1 }
        } else {
            for index in 0..<count { offsets[Int(truncatingIfNeeded: (source[index] &>> shift) & mask)] &+= 1 }
        }
        // Exclusive prefix sums: where each bucket starts.
        var total: UInt32 = 0
        var largest: UInt32 = 0
        for bucket in 0..<bucketCount {
            let size = offsets[bucket]
            offsets[bucket] = total
            total &+= size
            largest = max(largest, size)
        }
        let ownsWork = work == nil
        let work = work ?? allocateScratch(count)
        defer { if ownsWork { free(work) } }
        if fromDoubles {
            scatter(source, work, count, shift: shift, mask: mask, offsets: offsets, fromDoubles: true)
        } else {
            scatter(source, work, count, shift: shift, mask: mask, offsets: offsets, fromDoubles: false)
        }
        if Int(largest) > leafCount {
            // Big buckets are sorted on their own (as keys, in place, with the
            // target, not written yet, as work space) so that the insertion
            // sort stays linear.
            var start = 0
            for bucket in 0..<bucketCount {
                let end = Int(offsets[bucket])  // after the scatter: the bucket's end
                if end - start > leafCount {
                    sortRange(work + start, work + start, target + start, end - start,
                              fromDoubles: false, toDoubles: false)
                }
                start = end
            }
        }
        if toDoubles {
            // Keys compare as unsigned integers; the doubles are written in one pass after.
            insertionSort(work, work, count, toDoubles: false)
            finish(work, target, count, toDoubles: true)
        } else {
            insertionSort(work, target, count, toDoubles: false)
        }
    }

    /// One pass by a digit of up to 16 bits (or the exponent slots of
    /// ``Slots``) whose buckets are grouped into 256 to 1,024 runs of about
    /// equal size, scattered from `source` to `target`
    /// if they differ (each group is then sorted in place, so the final
    /// writes go to memory just read), else to `work`; each group is sorted by
    /// ``sortRange(_:_:_:_:fromDoubles:toDoubles:highestHint:)`` with a work
    /// buffer the size of the largest group, which stays in the cache.
    static func groupedLevel(
        _ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>,
        _ work: UnsafeMutablePointer<UInt64>?, _ count: Int,
        highest: Int?, fromDoubles: Bool, toDoubles: Bool
    ) {
        let groupCount = min(groupCountRange.upperBound, max(groupCountRange.lowerBound, count / 8192))
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << 12)
        defer { table.deallocate() }
        let samples = min(count, max(4096, groupCount * samplesPerGroup))
        let sampleStride = count / samples
        let slots: Slots
        if let highest {
            // A plain digit, narrower for fewer keys (its table is cleared and walked once).
            let width = min(groupedDigit, max(8, Int.bitWidth - count.leadingZeroBitCount - 2))
            slots = Slots(shift: UInt64(max(0, highest + 1 - width)), mask: UInt64(1 << width) - 1, table: nil)
        } else {
            slots = Slots(
                shift: exponentTable(source, samples: samples, stride: sampleStride, table: table, fromDoubles: fromDoubles),
                mask: UInt64(1 << groupedDigit) - 1, table: table)
        }
        let slotCount = Int(slots.mask) + 1
        // The slots of a sample, then consecutive slots into groups of about
        // equal shares of the sample: the group sizes are counted exactly
        // below, only their balance comes from the sample.
        let sampleCounts = UnsafeMutablePointer<UInt32>.allocate(capacity: slotCount)
        defer { sampleCounts.deallocate() }
        sampleCounts.initialize(repeating: 0, count: slotCount)
        for sample in 0..<samples {
            let value = source[sample * sampleStride]
            sampleCounts[slots.slot(fromDoubles ? key(value) : value)] &+= 1
        }
        let groupOf = UnsafeMutablePointer<UInt16>.allocate(capacity: slotCount)
        defer { groupOf.deallocate() }
        // The first and last slot of each group.
        let firstSlot = UnsafeMutablePointer<Int>.allocate(capacity: groupCount)
        defer { firstSlot.deallocate() }
        let lastSlot = UnsafeMutablePointer<Int>.allocate(capacity: groupCount)
        defer { lastSlot.deallocate() }
        let targetShare = max(1, samples / groupCount)
        var group = 0
        var groupShare = 0
        firstSlot[0] = 0
        for slot in 0..<slotCount {
            let share = Int(sampleCounts[slot])
            if groupShare > 0 && groupShare + share > targetShare && group < groupCount - 1 {
                lastSlot[group] = slot - 1
                group += 1
                firstSlot[group] = slot
                groupShare = 0
            }
            groupOf[slot] = UInt16(truncatingIfNeeded: group)
            groupShare += share
        }
        lastSlot[group] = slotCount - 1
        let groups = group + 1
        // Exact group sizes, and the varying bits, in one read.
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: groupCount)
        defer { offsets.deallocate() }
        offsets.initialize(repeating: 0, count: groupCount)
        // Each key's group, kept for the scatter (2 bytes a key instead of finding it again).
        let groupIds = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
        defer { groupIds.deallocate() }
        let varying = fromDoubles
            ? countGroups(source, count, slots, groupOf: groupOf, groupCount: groupCount, counts: offsets,
                          groupIds: groupIds, fromDoubles: true)
            : countGroups(source, count, slots, groupOf: groupOf, groupCount: groupCount, counts: offsets,
                          groupIds: groupIds, fromDoubles: false)
        if varying == 0 {
            copyEqualKeys(source, target, count, fromDoubles: fromDoubles, toDoubles: toDoubles)
            return
        }
        var total = 0
        var largest = 0
        for group in 0..<groups {
            let size = offsets[group]
            offsets[group] = total
            total += size
            largest = max(largest, size)
        }
        if largest == count {
            // One group holds every key (the varying bits lie below the
            // slots, or the sample missed the others): a plain pass instead.
            sortRange(source, target, work, count, fromDoubles: fromDoubles, toDoubles: toDoubles, grouped: false)
            return
        }
        let ownsWork = source == target && work == nil
        let grouped = source != target ? target : work ?? allocateScratch(count)
        defer { if ownsWork { free(grouped) } }
        if fromDoubles {
            scatterGrouped(source, grouped, count, groupIds: groupIds, offsets: offsets, fromDoubles: true)
        } else {
            scatterGrouped(source, grouped, count, groupIds: groupIds, offsets: offsets, fromDoubles: false)
        }
        let groupWork = UnsafeMutablePointer<UInt64>.allocate(capacity: largest)
        defer { groupWork.deallocate() }
        var start = 0
        for group in 0..<groups {
            let end = offsets[group]  // after the scatter: the group's end
            if end == start { continue }
            // The keys of a group lie between the smallest key of its first
            // slot and the largest of its last, so they differ only below the
            // highest bit in which those two differ.
            let highestHint: Int?
            if slots.table == nil {
                let difference = UInt64(firstSlot[group] ^ lastSlot[group])
                let bit = difference == 0 ? Int(slots.shift) - 1 : Int(slots.shift) + 63 - difference.leadingZeroBitCount
                highestHint = bit >= 0 ? bit : nil
            } else {
                let range = slots.keyRange(first: firstSlot[group], last: lastSlot[group])
                highestHint = 63 - (range.lowest ^ range.highest).leadingZeroBitCount
            }
            sortRange(grouped + start, target + start, groupWork, end - start,
                      fromDoubles: false, toDoubles: toDoubles, highestHint: highestHint)
            start = end
        }
    }

    /// Writes `count` equal keys (or doubles' bits) from `source` to `target`.
    static func copyEqualKeys(
        _ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>, _ count: Int,
        fromDoubles: Bool, toDoubles: Bool
    ) {
        if fromDoubles == toDoubles {
            if source != target { target.update(from: source, count: count) }
        } else if toDoubles {
            finish(source, target, count, toDoubles: true)
        } else {
            for index in 0..<count { target[index] = key(source[index]) }
        }
    }

    /// How a grouped pass maps a key to one of at most 65,536 ordered slots:
    /// a plain 16-bit digit at `shift`, or, with a `table`, the key's sign and
    /// exponent (its top 12 bits) and as many mantissa bits as fit.
    struct Slots {
        /// The plain digit's shift, or the shift of the mantissa bits.
        var shift: UInt64
        /// The plain digit's mask: the number of slots less one.
        var mask: UInt64
        /// Per top-12-bit value: its first slot (high 32 bits) and the mask
        /// of its mantissa bits (low 32 bits; 0 for a sign and exponent the
        /// sample did not see, which get one slot).
        var table: UnsafeMutablePointer<UInt64>?

        @inline(__always)
        func slot(_ key: UInt64) -> Int {
            if let table {
                let entry = table[Int(key &>> 52)]
                return Int(truncatingIfNeeded: entry &>> 32) &+ Int(truncatingIfNeeded: (key &>> shift) & entry & 0xFFFF_FFFF)
            }
            return Int(truncatingIfNeeded: (key &>> shift) & mask)
        }

        /// The smallest key of exponent slot `first` and the largest of slot
        /// `last` (`table` set): every key of the slots between is in range.
        func keyRange(first: Int, last: Int) -> (lowest: UInt64, highest: UInt64) {
            guard let table else { preconditionFailure("a plain digit has no exponent slots") }
            // The sign and exponent whose slots hold `slot`: the last entry
            // starting at or before it (entries start in ascending order).
            func exponent(of slot: Int) -> Int {
                var low = 0
                var high = 1 << 12 - 1
                while low < high {
                    let middle = (low + high + 1) / 2
                    if Int(table[middle] &>> 32) <= slot { low = middle } else { high = middle - 1 }
                }
                return low
            }
            let firstExponent = exponent(of: first)
            let lastExponent = exponent(of: last)
            let lowest = UInt64(firstExponent) << 52
                | UInt64(first - Int(table[firstExponent] &>> 32)) << shift
            let lastMask = table[lastExponent] & 0xFFFF_FFFF
            let below: UInt64 = lastMask == 0 ? (1 << 52) - 1 : (1 << shift) - 1
            let highest = UInt64(lastExponent) << 52
                | UInt64(last - Int(table[lastExponent] &>> 32)) << shift | below
            return (lowest, highest)
        }
    }

    /// Fills `table` (4,096 entries) for exponent slots and returns the
    /// mantissa shift. Doubles cluster in a few exponents, so a plain 16-bit
    /// digit (sign, exponent and 4 mantissa bits) puts a fifth of normally
    /// distributed data in 4 slots; instead each sign and exponent seen in a
    /// sample of the keys gets `2^m` slots, split by the top `m` mantissa
    /// bits, with `m` as large as fits in 65,536 slots, and every other sign
    /// and exponent gets one slot (the map stays monotone).
    static func exponentTable(
        _ source: UnsafeMutablePointer<UInt64>, samples: Int, stride: Int, table: UnsafeMutablePointer<UInt64>,
        fromDoubles: Bool
    ) -> UInt64 {
        let exponents = 1 << 12
        let seen = UnsafeMutablePointer<Bool>.allocate(capacity: exponents)
        defer { seen.deallocate() }
        seen.initialize(repeating: false, count: exponents)
        var distinct = 0
        for sample in 0..<samples {
            let value = fromDoubles ? key(source[sample * stride]) : source[sample * stride]
            let exponent = Int(value &>> 52)
            if !seen[exponent] {
                seen[exponent] = true
                distinct += 1
            }
        }
        let spare = (1 << groupedDigit) - exponents + distinct
        let mantissaBits = min(52, Int.bitWidth - 1 - (spare / distinct).leadingZeroBitCount)
        let mask = UInt64(1 << mantissaBits) - 1
        var first: UInt64 = 0
        for exponent in 0..<exponents {
            if seen[exponent] {
                table[exponent] = first << 32 | mask
                first += mask + 1
            } else {
                table[exponent] = first << 32
                first += 1
            }
        }
        return UInt64(52 - mantissaBits)
    }

    // MARK: - Kernels

    /// The number of keys in each group, and the varying bits (as
    /// ``varyingBits(_:_:fromDoubles:)``), in one read; each key's group goes
    /// to `groupIds`.
    @inline(__always)
    static func countGroups(
        _ source: UnsafeMutablePointer<UInt64>, _ count: Int, _ slots: Slots, groupOf: UnsafeMutablePointer<UInt16>,
        groupCount: Int, counts: UnsafeMutablePointer<Int>, groupIds: UnsafeMutablePointer<UInt16>, fromDoubles: Bool
    ) -> UInt64 {
        // Four sets of counters, one per value of `index % 4`: runs of keys
        // in one group would otherwise wait on each other's increments.
        let sets = UnsafeMutablePointer<Int>.allocate(capacity: 4 * groupCount)
        defer { sets.deallocate() }
        sets.initialize(repeating: 0, count: 4 * groupCount)
        var anySet: UInt64 = 0
        var allSet: UInt64 = ~0
        var index = 0
        while index + 4 <= count {
            for lane in 0..<4 {
                let value = fromDoubles ? key(source[index + lane]) : source[index + lane]
                anySet |= value
                allSet &= value
                let group = groupOf[slots.slot(value)]
                groupIds[index + lane] = group
                sets[lane &* groupCount &+ Int(group)] &+= 1
            }
            index += 4
        }
        while index < count {
            let value = fromDoubles ? key(source[index]) : source[index]
            anySet |= value
            allSet &= value
            let group = groupOf[slots.slot(value)]
            groupIds[index] = group
            sets[Int(group)] &+= 1
            index += 1
        }
        for group in 0..<groupCount {
            counts[group] = sets[group] + sets[groupCount + group] + sets[2 * groupCount + group]
                + sets[3 * groupCount + group]
        }
        return anySet & ~allSet
    }

    /// OR and AND of every key: the bits set in the first and clear in the
    /// second differ between keys.
    @inline(__always)
    static func varyingBits(_ data: UnsafeMutablePointer<UInt64>, _ count: Int, fromDoubles: Bool) -> UInt64 {
        var anySet: UInt64 = 0
        var allSet: UInt64 = ~0
        var anySetOdd: UInt64 = 0
        var allSetOdd: UInt64 = ~0
        var index = 0
        while index + 2 <= count {
            let first = fromDoubles ? key(data[index]) : data[index]
            let second = fromDoubles ? key(data[index + 1]) : data[index + 1]
            anySet |= first
            allSet &= first
            anySetOdd |= second
            allSetOdd &= second
            index += 2
        }
        if index < count {
            let last = fromDoubles ? key(data[index]) : data[index]
            anySet |= last
            allSet &= last
        }
        return (anySet | anySetOdd) & ~(allSet & allSetOdd)
    }

    /// Scatters keys to their buckets' next places, converting doubles on
    /// the way if `fromDoubles`. Each offset ends at its bucket's end.
    @inline(__always)
    static func scatter(
        _ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>, _ count: Int,
        shift: UInt64, mask: UInt64, offsets: UnsafeMutablePointer<UInt32>, fromDoubles: Bool
    ) {
        for index in 0..<count {
            let value = fromDoubles ? key(source[index]) : source[index]
            let bucket = Int(truncatingIfNeeded: (value &>> shift) & mask)
            let position = offsets[bucket]
            target[Int(position)] = value
            offsets[bucket] = position &+ 1
        }
    }

    /// The grouped pass's scatter: `offsets[g]` is where group `g`'s next key
    /// goes; at the end, where the group ends.
    @inline(__always)
    static func scatterGrouped(
        _ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>, _ count: Int,
        groupIds: UnsafeMutablePointer<UInt16>, offsets: UnsafeMutablePointer<Int>, fromDoubles: Bool
    ) {
        for index in 0..<count {
            let value = fromDoubles ? key(source[index]) : source[index]
            let group = Int(groupIds[index])
            let position = offsets[group]
            target[position] = value
            offsets[group] = position &+ 1
        }
    }

    /// Copies `count` keys from `source` to `target` (which may be the same),
    /// turning them into doubles' bits if `toDoubles`.
    @inline(__always)
    static func finish(_ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>, _ count: Int, toDoubles: Bool) {
        if toDoubles {
            for index in 0..<count { target[index] = bits(source[index]) }
        } else if source != target {
            target.update(from: source, count: count)
        }
    }

    /// Sorts the `count` keys at `source` by insertion into `target` (which
    /// may be `source`), as doubles' bits if `toDoubles`. The keys are
    /// nearly sorted (each is at most a bucket away from its place), so this
    /// is linear. Written doubles are compared by their keys, so that `-0.0`
    /// always comes before `0.0`.
    @inline(__always)
    static func insertionSort(
        _ source: UnsafeMutablePointer<UInt64>, _ target: UnsafeMutablePointer<UInt64>, _ count: Int, toDoubles: Bool
    ) {
        if toDoubles {
            for index in 0..<count {
                let value = source[index]
                var position = index
                while position > 0 && key(target[position - 1]) > value {
                    target[position] = target[position - 1]
                    position -= 1
                }
                target[position] = bits(value)
            }
        } else {
            for index in 0..<count {
                let value = source[index]
                var position = index
                while position > 0 && target[position - 1] > value {
                    target[position] = target[position - 1]
                    position -= 1
                }
                target[position] = value
            }
        }
    }
}
