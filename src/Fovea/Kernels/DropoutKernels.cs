using System.Runtime.Intrinsics;

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
    public static void Mask(Span<float> mask, float rate, ulong seed) => Forward(default, mask, default, rate, seed);

    /// <summary>Draws the mask and, when <paramref name="x"/> is given, writes y = x ⊙ mask in the same pass.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> mask, Span<float> y, float rate, ulong seed)
    {
        fixed (float* px = x, pm = mask, py = y)
        {
            var job = new MaskJob
            {
                X = x.IsEmpty ? null : px, Mask = pm, Y = py, N = mask.Length, Keep = 1f / (1f - rate),
                Threshold = (ulong)(rate * 4294967296.0), Seed = seed,
            };
            // Chunks of 8 pairs (16 elements), so every vector block lies inside one thread's range.
            int blocks = (mask.Length + 15) / 16;
            KernelThreads.For(blocks, job, minPerChunk: 1 << 11);
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
        public float* X, Mask, Y;
        public int N;
        public float Keep;
        public ulong Threshold, Seed;

        public readonly void Execute(int begin, int end)
        {
            int i = begin * 16, stop = Math.Min(N, end * 16);
            if (Vector512.IsHardwareAccelerated)
            {
                var phi = Vector512.Create(0x9E3779B97F4A7C15UL);
                var lane = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
                var threshold = Vector512.Create((uint)Math.Min(Threshold, uint.MaxValue));
                var keep = Vector512.Create(Keep);
                for (; i + 16 <= stop; i += 16)
                {
                    var z = Hash(Vector512.Create(Seed) + (Vector512.Create((ulong)(i >> 1)) + lane) * phi);
                    var kept = Vector512.GreaterThanOrEqual(z.AsUInt32(), threshold).AsSingle();
                    var m = keep & kept;
                    Vector512.Store(m, Mask + i);
                    if (X is not null)
                        Vector512.Store(Vector512.Load(X + i) * m, Y + i);
                }
            }
            for (; i < stop; i++)
            {
                Mask[i] = Draw(Seed, i) >= Threshold ? Keep : 0f;
                if (X is not null)
                    Y[i] = X[i] * Mask[i];
            }
        }
    }

    private static Vector512<ulong> Hash(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }
}
