/// Sample quantiles exactly as numpy computes them.
public enum Quantile {
    /// `numpy.quantile(sorted, q)` with the default `method="linear"`
    /// (Hyndman and Fan's definition 7), bit for bit.
    ///
    /// It follows `numpy/lib/_function_base_impl.py` step by step:
    /// - the virtual index is `(n - 1) * q`, one rounded multiplication;
    /// - `_get_indexes`: the neighbours are `floor(index)` and `floor + 1`;
    ///   an index at or past `n - 1` uses the last value for both and marks
    ///   the lower neighbour as `-1`, an index below 0 uses the first value;
    /// - `_get_gamma`: the weight is `index - lower`, with the `-1` marker
    ///   taken literally, as numpy does;
    /// - `_lerp(a, b, t)`: `a + (b - a) * t`, but `b - (b - a) * (1 - t)`
    ///   when `t >= 0.5`, which is what makes a quantile land exactly on a
    ///   data value (and so on a bin edge) where numpy's does.
    ///
    /// - Parameters:
    ///   - sorted: the sample in ascending order, not empty.
    ///   - q: the probability, in `0...1`.
    public static func linear(sorted: [Double], q: Double) -> Double {
        precondition(!sorted.isEmpty, "numpy.quantile of an empty array is undefined")
        precondition(q >= 0 && q <= 1, "a quantile's probability must be in 0...1")
        let count = sorted.count
        let virtualIndex = Double(count - 1) * q
        let lower: Double
        let lowerPosition: Int
        let upperPosition: Int
        if virtualIndex >= Double(count - 1) {
            lower = -1
            lowerPosition = count - 1
            upperPosition = count - 1
        } else if virtualIndex < 0 {
            lower = 0
            lowerPosition = 0
            upperPosition = 0
        } else {
            lower = virtualIndex.rounded(.down)
            lowerPosition = Int(lower)
            upperPosition = lowerPosition + 1
        }
        let gamma = virtualIndex - lower
        return lerp(sorted[lowerPosition], sorted[upperPosition], gamma)
    }

    /// numpy's `_lerp`: the formula switches at `t >= 0.5` so that `t == 1`
    /// returns `b` exactly.
    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        let difference = b - a
        if t >= 0.5 {
            return b - difference * (1 - t)
        }
        return a + difference * t
    }
}
