namespace Fovea.Vision.Detection;

/// <summary>Derives seeds from (seed, a, b, ...) the same way in every process (<see cref="HashCode"/> is randomised
/// per process, so it cannot be used for reproducible data).</summary>
internal static class Seeds
{
    /// <summary>SplitMix64 over the values in turn, folded to a non-negative int.</summary>
    public static int Mix(params ReadOnlySpan<long> values)
    {
        ulong x = 0x9E3779B97F4A7C15UL;
        foreach (long v in values)
        {
            x ^= (ulong)v;
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
        }
        return (int)(x & 0x7FFFFFFF);
    }
}
