#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `x ** y` for floats: the C library's `pow`, called as such.
///
/// River computes `variance ** 0.5` (EDDM) and `(1 - lambda) ** 2` (HDDM-W)
/// with Python's power operator, which calls libm's `pow`. glibc's `pow` is
/// not correctly rounded (measured here: about 1 in 1,200 random arguments
/// gives a different last bit from `sqrt(x)` or `x * x`), and the optimiser
/// rewrites `pow(x, 0.5)` to `sqrt` and `pow(x, 2)` to `x * x` when it sees a
/// constant exponent; this function is compiled without optimisation so the
/// call to `pow` stays a call to `pow`.
@_optimize(none) @inline(never)
func libmPower(_ base: Double, _ exponent: Double) -> Double {
    pow(base, exponent)
}
