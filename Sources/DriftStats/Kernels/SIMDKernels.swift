/// Vectorised building blocks shared by the drift statistics: numpy's pairwise
/// sum, minimum and maximum, numpy's population standard deviation, and a
/// compare-and-count histogram.
///
/// Every kernel gives exactly the result of its scalar definition (and, for
/// `sum` and `populationStandardDeviation`, exactly numpy's result): the
/// vectorisation only changes how fast the same floating-point operations run,
/// never their order.
public enum SIMDKernels {
    /// Below this many edges `histogram` compares every value against every
    /// edge in SIMD lanes; from this many on it binary-searches each value
    /// (the crossover measured on x86-64 with SSE2 lanes is near 300 edges).
    static let vectorisedEdgeLimit = 256
    /// Values per tile of the vectorised histogram (16 KiB of doubles).
    static let histogramTile = 2048

    // MARK: - Sum

    /// The sum of `x` exactly as `numpy.sum` computes it for a contiguous
    /// float64 array: numpy's pairwise summation (`DOUBLE_pairwise_sum` in
    /// `numpy/_core/src/umath/loops_utils.h.src`: blocks of at most 128
    /// summed with 8 interleaved accumulators, combined as
    /// `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, larger arrays split in two at a
    /// multiple of 8), added to the reduction's initial `0.0`.
    public static func sum(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0.0 }
            return 0.0 + pairwiseSum(base, buffer.count)
        }
    }

    /// numpy's pairwise summation of `count` values starting at `base`.
    static func pairwiseSum(_ base: UnsafePointer<Double>, _ count: Int) -> Double {
        if count < 8 {
            var result = 0.0
            for index in 0..<count {
                result += base[index]
            }
            return result
        }
        if count <= 128 {
            let raw = UnsafeRawPointer(base)
            let stride = MemoryLayout<Double>.stride
            // Lane k of `lanes` is numpy's accumulator r[k]: it adds the
            // values k, k+8, k+16, ... in the same order.
            var lanes = raw.loadUnaligned(as: SIMD8<Double>.self)
            let blockEnd = count - count % 8
            var index = 8
            while index < blockEnd {
                lanes += raw.loadUnaligned(fromByteOffset: index * stride, as: SIMD8<Double>.self)
                index += 8
            }
            var result = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
                + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
            while index < count {
                result += base[index]
                index += 1
            }
            return result
        }
        var half = count / 2
        half -= half % 8
        return pairwiseSum(base, half) + pairwiseSum(base + half, count - half)
    }

    // MARK: - Moments

    /// The population standard deviation of `x` exactly as `numpy.std(x)`
    /// computes it (ddof 0, `numpy/_core/_methods.py: _var`): the mean is the
    /// pairwise sum divided by `n`, then the pairwise sum of the squared
    /// deviations `(x - mean) * (x - mean)` is divided by `n`, then the square
    /// root. Because the pairwise sum depends on the order of the values, the
    /// result equals numpy's bit for bit when `x` is in the same order as
    /// numpy's array (and to within a few ulps otherwise). An empty array
    /// gives NaN, as numpy does.
    public static func populationStandardDeviation(_ x: [Double]) -> Double {
        let count = x.count
        guard count > 0 else { return .nan }
        let mean = sum(x) / Double(count)
        let squaredDeviations = [Double](unsafeUninitializedCapacity: count) { output, initialised in
            x.withUnsafeBufferPointer { input in
                let meanLanes = SIMD8<Double>(repeating: mean)
                var index = 0
                let vectorEnd = count - count % 8
                let source = UnsafeRawPointer(input.baseAddress!)
                let target = UnsafeMutableRawPointer(output.baseAddress!)
                let stride = MemoryLayout<Double>.stride
                while index < vectorEnd {
                    let deviation = source.loadUnaligned(fromByteOffset: index * stride, as: SIMD8<Double>.self)
                        - meanLanes
                    target.storeBytes(of: deviation * deviation, toByteOffset: index * stride, as: SIMD8<Double>.self)
                    index += 8
                }
                while index < count {
                    let deviation = input[index] - mean
                    output[index] = deviation * deviation
                    index += 1
                }
            }
            initialised = count
        }
        return (sum(squaredDeviations) / Double(count)).squareRoot()
    }

    // MARK: - Extremes

    /// The smallest and largest value of `x` (`numpy.min` and `numpy.max`):
    /// nil for an empty array; NaN for both when `x` holds a NaN, as numpy
    /// propagates it. `-0.0` and `0.0` compare equal, so either may be
    /// returned when both are present.
    public static func extremes(_ x: [Double]) -> (minimum: Double, maximum: Double)? {
        guard !x.isEmpty else { return nil }
        return x.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            let vectorEnd = count - count % 8
            var minimum = buffer[0]
            var maximum = buffer[0]
            var sawNaN = false
            if vectorEnd > 0 {
                let raw = UnsafeRawPointer(buffer.baseAddress!)
                let stride = MemoryLayout<Double>.stride
                var low = raw.loadUnaligned(as: SIMD8<Double>.self)
                var high = low
                var unordered = low .!= low
                var index = 8
                while index < vectorEnd {
                    let lanes = raw.loadUnaligned(fromByteOffset: index * stride, as: SIMD8<Double>.self)
                    low.replace(with: lanes, where: lanes .< low)
                    high.replace(with: lanes, where: lanes .> high)
                    unordered .|= lanes .!= lanes
                    index += 8
                }
                sawNaN = any(unordered)
                minimum = low.min()
                maximum = high.max()
            }
            for index in vectorEnd..<count {
                let value = buffer[index]
                if value.isNaN { sawNaN = true }
                if value < minimum { minimum = value }
                if value > maximum { maximum = value }
            }
            return sawNaN ? (.nan, .nan) : (minimum, maximum)
        }
    }

    // MARK: - Histogram

    /// Counts `values` per bin, where the bin of a value `v` is the number of
    /// `edges` strictly below it: `numpy.searchsorted(edges, v, side="left")`.
    /// The result has `edges.count + 1` bins. `edges` must be ascending (equal
    /// neighbours are allowed: the bin between them stays empty). A NaN value
    /// falls in the last bin, as numpy sorts NaN after every number.
    ///
    /// With fewer than 256 edges (PSI uses 9 by default), the kernel counts,
    /// for each edge, the values above it: one SIMD compare per 2 values and
    /// edge, five edges per load of the values, over tiles of values that
    /// stay in the L1 cache, with no scatter; bin counts are differences of
    /// neighbouring "above" counts. With more
    /// edges it binary-searches each value (branch-free).
    public static func histogram(_ values: [Double], edges: [Double]) -> [Int] {
        let edgeCount = edges.count
        if edgeCount == 0 {
            return [values.count]
        }
        if edgeCount >= vectorisedEdgeLimit {
            return searchedHistogram(values, edges: edges)
        }
        // above[j] = number of values v with !(v <= edges[j]), which is
        // v > edges[j] for numbers and true for NaN.
        var above = [Int](repeating: 0, count: edgeCount)
        values.withUnsafeBufferPointer { valueBuffer in
            edges.withUnsafeBufferPointer { edgeBuffer in
                let count = valueBuffer.count
                let vectorEnd = count - count % 8
                let raw = UnsafeRawPointer(valueBuffer.baseAddress)
                let stride = MemoryLayout<Double>.stride
                // Tiles of values small enough to stay in the L1 cache while
                // the edges run over them, five at a time with their counters
                // in registers (each block of values is loaded once per five
                // edges).
                var tileStart = 0
                while tileStart < vectorEnd {
                    let tileEnd = min(tileStart + histogramTile, vectorEnd)
                    var edgeIndex = 0
                    while edgeIndex < edgeCount {
                        countAbove(
                            raw!.advanced(by: tileStart * stride), blocks: (tileEnd - tileStart) / 8,
                            edges: edgeBuffer, first: edgeIndex, above: &above)
                        edgeIndex += edgesPerPass
                    }
                    tileStart = tileEnd
                }
                for index in vectorEnd..<count {
                    let value = valueBuffer[index]
                    for edgeIndex in 0..<edgeCount where !(value <= edgeBuffer[edgeIndex]) {
                        above[edgeIndex] += 1
                    }
                }
            }
        }
        var counts = [Int](repeating: 0, count: edgeCount + 1)
        counts[0] = values.count - above[0]
        for bin in 1..<edgeCount {
            counts[bin] = above[bin - 1] - above[bin]
        }
        counts[edgeCount] = above[edgeCount - 1]
        return counts
    }

    /// Edges compared per pass over a tile.
    static let edgesPerPass = 5

    /// Adds to `above[first + k]` (k < 5, within `edges`) the number of the
    /// `blocks * 8` values at `values` with `!(value <= edges[first + k])`.
    /// Concrete two-lane vectors (one SSE2 register each) in a non-generic
    /// function: five counters, five edges and four blocks of values fit in
    /// the sixteen registers. Missing edges (past the last) repeat the last
    /// one and their counts are dropped.
    @inline(__always)
    static func countAbove(
        _ values: UnsafeRawPointer, blocks: Int, edges: UnsafeBufferPointer<Double>, first: Int, above: inout [Int]
    ) {
        let last = edges.count - 1
        let edge0 = SIMD2<Double>(repeating: edges[first])
        let edge1 = SIMD2<Double>(repeating: edges[min(first + 1, last)])
        let edge2 = SIMD2<Double>(repeating: edges[min(first + 2, last)])
        let edge3 = SIMD2<Double>(repeating: edges[min(first + 3, last)])
        let edge4 = SIMD2<Double>(repeating: edges[min(first + 4, last)])
        var counter0 = SIMD2<Int64>(repeating: 0)
        var counter1 = SIMD2<Int64>(repeating: 0)
        var counter2 = SIMD2<Int64>(repeating: 0)
        var counter3 = SIMD2<Int64>(repeating: 0)
        var counter4 = SIMD2<Int64>(repeating: 0)
        var pointer = values
        let end = values + blocks * 64
        // A true lane of a mask is all ones, -1 as an integer.
        @inline(__always) func mask(_ lanes: SIMD2<Double>, _ edge: SIMD2<Double>) -> SIMD2<Int64> {
            unsafeBitCast(.!(lanes .<= edge), to: SIMD2<Int64>.self)
        }
        while pointer < end {
            let a = pointer.loadUnaligned(as: SIMD2<Double>.self)
            let b = pointer.loadUnaligned(fromByteOffset: 16, as: SIMD2<Double>.self)
            let c = pointer.loadUnaligned(fromByteOffset: 32, as: SIMD2<Double>.self)
            let d = pointer.loadUnaligned(fromByteOffset: 48, as: SIMD2<Double>.self)
            counter0 &-= mask(a, edge0) &+ mask(b, edge0) &+ mask(c, edge0) &+ mask(d, edge0)
            counter1 &-= mask(a, edge1) &+ mask(b, edge1) &+ mask(c, edge1) &+ mask(d, edge1)
            counter2 &-= mask(a, edge2) &+ mask(b, edge2) &+ mask(c, edge2) &+ mask(d, edge2)
            counter3 &-= mask(a, edge3) &+ mask(b, edge3) &+ mask(c, edge3) &+ mask(d, edge3)
            counter4 &-= mask(a, edge4) &+ mask(b, edge4) &+ mask(c, edge4) &+ mask(d, edge4)
            pointer += 64
        }
        let present = edges.count - first
        above[first] += Int(counter0.wrappedSum())
        if present > 1 { above[first + 1] += Int(counter1.wrappedSum()) }
        if present > 2 { above[first + 2] += Int(counter2.wrappedSum()) }
        if present > 3 { above[first + 3] += Int(counter3.wrappedSum()) }
        if present > 4 { above[first + 4] += Int(counter4.wrappedSum()) }
    }

    /// The bin of one value: the number of `edges` strictly below `value`
    /// (`numpy.searchsorted(edges, value, side="left")`), by binary search;
    /// `edges.count` for NaN.
    static func searchsortedLeft(_ edges: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        guard !edges.isEmpty else { return 0 }
        // Branch-free lower bound: edges[..<base] are below value and the
        // answer is base or base + 1.
        var base = 0
        var length = edges.count
        while length > 1 {
            let half = length / 2
            // Arithmetic instead of a branch: the comparison is unpredictable.
            base &+= half &* Int(unsafeBitCast(!(value <= edges[base &+ half &- 1]), to: UInt8.self))
            length -= half
        }
        return base &+ Int(unsafeBitCast(!(value <= edges[base]), to: UInt8.self))
    }

    /// The histogram by one binary search per value, for many edges.
    static func searchedHistogram(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        edges.withUnsafeBufferPointer { edgeBuffer in
            counts.withUnsafeMutableBufferPointer { countBuffer in
                for value in values {
                    countBuffer[searchsortedLeft(edgeBuffer, value)] += 1
                }
            }
        }
        return counts
    }
}
