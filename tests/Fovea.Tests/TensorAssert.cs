using Xunit;

namespace Fovea.Tests;

/// <summary>Elementwise comparison that reports the largest difference and the first values (llm.c check_tensor).</summary>
internal static class TensorAssert
{
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol,
        string what) => Close(expected, actual, _ => atol, rtol, what);

    /// <summary>
    /// As above with an absolute tolerance per element, for results whose sensitivity to rounding varies from element
    /// to element; the message also names the first element outside its tolerance.
    /// </summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, Func<int, double> atolAt,
        double rtol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double maxDiff = 0;
        int worst = -1, bad = 0, firstBad = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            bool ok = d <= atolAt(i) + rtol * Math.Abs(expected[i]) ||
                (float.IsNaN(expected[i]) && float.IsNaN(actual[i]));
            if (!ok)
            {
                bad++;
                if (firstBad < 0)
                    firstBad = i;
            }
            if (d > maxDiff || double.IsNaN(d))
            {
                maxDiff = d;
                worst = i;
            }
        }
        if (bad == 0)
            return;
        var parts = new List<string>();
        for (int i = 0; i < Math.Min(5, expected.Length); i++)
            parts.Add($"{expected[i]:G5}/{actual[i]:G5}");
        string first = string.Join(", ", parts);
        Assert.Fail($"{what}: {bad} of {expected.Length} values differ; maxdiff {maxDiff:G4} at {worst} " +
            $"(expected {expected[worst]:G6}, got {actual[worst]:G6}); first outside the tolerance: {firstBad} " +
            $"(expected {expected[firstBad]:G6}, got {actual[firstBad]:G6}, atol {atolAt(firstBad):G3}); " +
            $"first expected/actual: {first}; rtol {rtol}");
    }
}
