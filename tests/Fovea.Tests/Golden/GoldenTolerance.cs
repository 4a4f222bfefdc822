namespace Fovea.Tests.Golden;

/// <summary>
/// Tolerances for comparing float32 results with PyTorch's. Both sides round in float32 (unit roundoff
/// u ≈ 6e−8) but sum in different orders (blocked GEMM, SIMD lanes), so a sum of K terms of magnitude up to s differs
/// by about u·√K·s (a random walk of roundings). Allowing 1e−6·√K·s, about 16 times that, keeps a real bug (an error
/// of the order of s) far above the bar.
/// </summary>
internal static class GoldenTolerance
{
    /// <summary>
    /// Absolute tolerance for a float32 sum of <paramref name="terms"/> terms whose result is at most
    /// <paramref name="scale"/>.
    /// </summary>
    public static double Sum(int terms, double scale) => 1e-6 * Math.Sqrt(Math.Max(1, terms)) * Math.Max(scale, 1e-3);
}
