extension ADWIN.Core {
    private enum CodingKeys: String, CodingKey {
        case delta, clock, maxBuckets, minWindowLength, gracePeriod
        case driftDetected, width, total, variance, tick, bucketCounts, totals, variances
    }

    /// The live buckets, level by level, oldest first: (counts, totals, variances).
    private var liveBuckets: (counts: [Int], totals: [Double], variances: [Double]) {
        var counts: [Int] = []
        var totals: [Double] = []
        var variances: [Double] = []
        for level in 0..<levelCount {
            let first = level * 2 * region + buckets.runs[2 * level]
            let count = buckets.runs[2 * level + 1]
            counts.append(count)
            totals.append(contentsOf: UnsafeBufferPointer(start: buckets.values + first, count: count))
            variances.append(contentsOf: UnsafeBufferPointer(start: buckets.values + first + region, count: count))
        }
        return (counts, totals, variances)
    }

    /// Decodes the parameters, the window's statistics, the tick and the
    /// live buckets (per level: how many, then their totals and variances).
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let clock = try container.decode(Int.self, forKey: .clock)
        let maxBuckets = try container.decode(Int.self, forKey: .maxBuckets)
        guard clock >= 1 && clock <= Int(Int32.max) && maxBuckets >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .clock, in: container, debugDescription: "invalid ADWIN parameters")
        }
        self.init(delta: try container.decode(Double.self, forKey: .delta), clock: clock, maxBuckets: maxBuckets,
                  minWindowLength: try container.decode(Int.self, forKey: .minWindowLength),
                  gracePeriod: try container.decode(Int.self, forKey: .gracePeriod))
        driftDetected = try container.decode(Bool.self, forKey: .driftDetected)
        width = try container.decode(JSONSafe.self, forKey: .width).wrappedValue
        total = try container.decode(JSONSafe.self, forKey: .total).wrappedValue
        variance = try container.decode(JSONSafe.self, forKey: .variance).wrappedValue
        tick = try container.decode(Int32.self, forKey: .tick)
        tickRemainder = tick % Int32(clock)
        let counts = try container.decode([Int].self, forKey: .bucketCounts)
        let totals = try container.decode(JSONSafeArray.self, forKey: .totals).wrappedValue
        let variances = try container.decode(JSONSafeArray.self, forKey: .variances).wrappedValue
        guard !counts.isEmpty, counts.allSatisfy({ (0...maxBuckets).contains($0) }),
              totals.count == counts.reduce(0, +), variances.count == totals.count else {
            throw DecodingError.dataCorruptedError(forKey: .bucketCounts, in: container, debugDescription: "inconsistent ADWIN buckets")
        }
        levelCount = counts.count
        buckets = ADWIN.Buckets(region: 2 * (maxBuckets + 1), levelCapacity: counts.count + 1)
        var next = 0
        for (level, count) in counts.enumerated() {
            let base = level * 2 * region
            buckets.runs[2 * level + 1] = count
            for index in 0..<count {
                buckets.values[base + index] = totals[next + index]
                buckets.values[base + region + index] = variances[next + index]
            }
            next += count
        }
        absoluteTotal = bucketAbsoluteTotal()
        nextQuotient = total / width
    }

    /// Encodes the parameters, the window's statistics, the tick and the live buckets.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delta, forKey: .delta)
        try container.encode(clock, forKey: .clock)
        try container.encode(maxBuckets, forKey: .maxBuckets)
        try container.encode(minWindowLength, forKey: .minWindowLength)
        try container.encode(gracePeriod, forKey: .gracePeriod)
        try container.encode(driftDetected, forKey: .driftDetected)
        try container.encode(JSONSafe(wrappedValue: width), forKey: .width)
        try container.encode(JSONSafe(wrappedValue: total), forKey: .total)
        try container.encode(JSONSafe(wrappedValue: variance), forKey: .variance)
        try container.encode(tick, forKey: .tick)
        let live = liveBuckets
        try container.encode(live.counts, forKey: .bucketCounts)
        try container.encode(JSONSafeArray(wrappedValue: live.totals), forKey: .totals)
        try container.encode(JSONSafeArray(wrappedValue: live.variances), forKey: .variances)
    }

    /// Equal parameters and state: the same live buckets (spare room aside).
    static func == (left: ADWIN.Core, right: ADWIN.Core) -> Bool {
        let same = { (x: Double, y: Double) in JSONSafe(wrappedValue: x) == JSONSafe(wrappedValue: y) }
        guard left.delta == right.delta, left.clock == right.clock, left.maxBuckets == right.maxBuckets,
              left.minWindowLength == right.minWindowLength, left.gracePeriod == right.gracePeriod,
              left.driftDetected == right.driftDetected, left.tick == right.tick,
              same(left.width, right.width), same(left.total, right.total), same(left.variance, right.variance) else {
            return false
        }
        let leftBuckets = left.liveBuckets
        let rightBuckets = right.liveBuckets
        return leftBuckets.counts == rightBuckets.counts
            && JSONSafeArray(wrappedValue: leftBuckets.totals) == JSONSafeArray(wrappedValue: rightBuckets.totals)
            && JSONSafeArray(wrappedValue: leftBuckets.variances) == JSONSafeArray(wrappedValue: rightBuckets.variances)
    }
}
