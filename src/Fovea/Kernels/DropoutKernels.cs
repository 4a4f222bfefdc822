namespace Fovea.Kernels;

/// <summary>
/// Dropout masks from a counter-based generator: element i of a call with seed s keeps its value when the 32-bit
/// half (i mod 2) of SplitMix64(s + ⌊i/2⌋·φ) is ≥ rate·2³² (φ = 0x9E3779B97F4A7C15). Each element's draw depends only
/// on (s, i), so the mask is the same whatever the thread split, and large masks are filled in parallel.
/// mask[i] = kept ? 1/(1 − rate) : 0.
/// Reference: the formula, evaluated one element at a time in the tests.
/// </summary>
internal static unsafe class DropoutKernels
{
    public static void Mask(Span<float> mask, float rate, ulong seed)
    {
        fixed (float* p = mask)
        {
            var job = new MaskJob { Mask = p, N = mask.Length, Keep = 1f / (1f - rate), Threshold = (ulong)(rate * 4294967296.0), Seed = seed };
            int pairs = (mask.Length + 1) / 2;
            KernelThreads.For(pairs, job, minPerChunk: 1 << 14);
        }
    }

    /// <summary>The draw of element <paramref name="i"/> (for tests).</summary>
    internal static uint Draw(ulong seed, long i)
    {
        ulong z = Hash(seed + (ulong)(i >> 1) * 0x9E3779B97F4A7C15UL);
        return (i & 1) == 0 ? (uint)z : (uint)(z >> 32);
    }

    private static ulong Hash(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private struct MaskJob : IParallelJob
    {
        public float* Mask;
        public int N;
        public float Keep;
        public ulong Threshold, Seed;

        public readonly void Execute(int begin, int end)
        {
            for (int pair = begin; pair < end; pair++)
            {
                ulong z = Hash(Seed + (ulong)pair * 0x9E3779B97F4A7C15UL);
                int i = 2 * pair;
                Mask[i] = (z & 0xFFFFFFFFUL) >= Threshold ? Keep : 0f;
                if (i + 1 < N)
                    Mask[i + 1] = (z >> 32) >= Threshold ? Keep : 0f;
            }
        }
    }
}
