using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Single-precision matrix product, row-major: C[m×n] = op(A)[m×k]·op(B)[k×n] (+ C when accumulating).
/// op(A) = A stored m×k with row stride lda, or Aᵀ of an A stored k×m (transA); likewise B (k×n, or n×k with transB).
/// Must match <see cref="Reference.ReferenceGemm"/> to float rounding (each C element is a float sum over k).
///
/// GotoBLAS/BLIS structure, per thread:
///   for jc in n step NC:  for pc in k step KC:  pack B[pc:+KC, jc:+NC] into NR-wide panels   (L3)
///     for ic in m step MC:  pack A[ic:+MC, pc:+KC] into MR-tall panels                        (L2)
///       for jr in NC step NR:  for ir in MC step MR:  micro-kernel C[MR×NR] += Ã·B̃            (B̃ panel in L1)
/// Packing absorbs the transposes (<see cref="GemmPacking"/>), so all four cases run the same micro-kernel
/// (<see cref="GemmMicroKernels"/>: 12×32 with AVX-512, 6×16 AVX2, 6×8 128-bit, 4×4 scalar). Edge tiles are
/// zero-padded in the panels and computed into scratch; only their valid part reaches C.
/// Threads: called outside a parallel region with enough work, the larger of m and n (counted in tiles) is
/// split into fixed contiguous ranges over <see cref="KernelThreads"/>; every C element is computed by the same
/// code in the same order whatever the split, so results are deterministic. Inside a parallel region (Conv2D's
/// per-image loop) it runs on the calling thread. Packing buffers are rented and returned on every call.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>Below this m·n·k a call stays on one thread (fork/join would cost more than it saves).</summary>
    private const long ParallelMinWork = 1L << 19;

    private static int MR => Vector512.IsHardwareAccelerated ? 12 : Vector128.IsHardwareAccelerated ? 6 : 4;

    private static int NR => Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16
        : Vector128.IsHardwareAccelerated ? 8 : 4;

    /// <summary>Width of the narrower AVX-512 kernel used for a last panel of at most 16 columns.</summary>
    private static int HalfNR => Vector512.IsHardwareAccelerated ? 16 : -1;

    /// <summary>Depth of a block: one B̃ panel (KC·NR floats) stays in L1 while MC/MR A panels stream past it.</summary>
    private static int KC => Vector512.IsHardwareAccelerated ? 256 : 256;

    /// <summary>Rows of the packed A block (MC·KC floats), kept in L2.</summary>
    private static int MC => Vector512.IsHardwareAccelerated ? 144 : 120;

    /// <summary>Columns of the packed B block (KC·NC floats), kept in L3.</summary>
    private static int NC => 2048;

    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0)
            return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            Multiply(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
    }

    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        if (m <= 0 || n <= 0)
            return;
        if (k <= 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                    new Span<float>(c + (nint)i * ldc, n).Clear();
            }
            return;
        }
        var job = new ParallelJob
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, A = a, Lda = lda, B = b, Ldb = ldb, C = c,
            Ldc = ldc, Accumulate = accumulate,
        };
        if (KernelThreads.ThreadCount > 1 && !KernelThreads.IsInsideParallelRegion
            && (long)m * n * k >= ParallelMinWork)
        {
            int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
            job.SplitN = tilesN >= tilesM;
            KernelThreads.For(job.SplitN ? tilesN : tilesM, job);
            return;
        }
        Serial(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>One thread's share: a contiguous range of NR-wide column panels or MR-tall row panels.</summary>
    private struct ParallelJob : IParallelJob
    {
        public bool TransA, TransB, Accumulate, SplitN;
        public int M, N, K, Lda, Ldb, Ldc;
        public float* A, B, C;

        public readonly void Execute(int begin, int end)
        {
            if (SplitN)
            {
                int j0 = begin * NR, j1 = Math.Min(end * NR, N);
                float* b = TransB ? B + (nint)j0 * Ldb : B + j0;
                Serial(TransA, TransB, M, j1 - j0, K, A, Lda, b, Ldb, C + j0, Ldc, Accumulate);
            }
            else
            {
                int i0 = begin * MR, i1 = Math.Min(end * MR, M);
                float* a = TransA ? A + i0 : A + (nint)i0 * Lda;
                Serial(TransA, TransB, i1 - i0, N, K, a, Lda, B, Ldb, C + (nint)i0 * Ldc, Ldc, Accumulate);
            }
        }
    }

    private static void Serial(bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        int mr = MR, nr = NR;
        int kcStep = Split(k, KC, 1);
        int mcStep = Split(m, MC, mr);
        int ncStep = Split(n, NC, nr);
        int aLength = kcStep * RoundUp(Math.Min(mcStep, m), mr);
        int bLength = kcStep * RoundUp(Math.Min(ncStep, n), nr);
        float[] buffer = ArrayPool<float>.Shared.Rent(aLength + bLength + mr * nr + 16);
        try
        {
            fixed (float* pbuf = buffer)
            {
                float* ap = (float*)(((nint)pbuf + 63) & ~(nint)63);
                float* bp = ap + aLength;
                float* tile = bp + bLength;
                for (int jc = 0; jc < n; jc += ncStep)
                {
                    int nc = Math.Min(ncStep, n - jc);
                    for (int pc = 0; pc < k; pc += kcStep)
                    {
                        int kc = Math.Min(kcStep, k - pc);
                        bool load = accumulate || pc > 0;
                        if (transB)
                            GemmPacking.Panels(true, b + (nint)jc * ldb + pc, ldb, nc, kc, nr, bp);
                        else
                            GemmPacking.Panels(false, b + (nint)pc * ldb + jc, ldb, nc, kc, nr, bp);
                        for (int ic = 0; ic < m; ic += mcStep)
                        {
                            int mc = Math.Min(mcStep, m - ic);
                            if (transA)
                                GemmPacking.Panels(false, a + (nint)pc * lda + ic, lda, mc, kc, mr, ap);
                            else
                                GemmPacking.Panels(true, a + (nint)ic * lda + pc, lda, mc, kc, mr, ap);
                            Macro(mc, nc, kc, ap, bp, c + (nint)ic * ldc + jc, ldc, load, tile);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>All tiles of one packed block: C[mc×nc] (+)= Ã[mc×kc]·B̃[kc×nc].</summary>
    private static void Macro(int mc, int nc, int kc, float* ap, float* bp, float* c, nint ldc, bool load, float* tile)
    {
        int mr = MR, nr = NR;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nv = Math.Min(nr, nc - jr);
            float* bPanel = bp + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mv = Math.Min(mr, mc - ir);
                float* aPanel = ap + (nint)ir * kc;
                float* cTile = c + ir * ldc + jr;
                if (mv == mr && (nv == nr || nv == HalfNR))
                {
                    Tile(kc, aPanel, bPanel, cTile, ldc, load, nv);
                }
                else
                {
                    Tile(kc, aPanel, bPanel, tile, nr, false, nv);
                    GemmPacking.StoreEdge(tile, nr, cTile, ldc, mv, nv, load);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int kc, float* a, float* b, float* c, nint ldc, bool load, int cols)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            if (cols <= 16)
                GemmMicroKernels.Kernel12x16(kc, a, b, c, ldc, load);
            else
                GemmMicroKernels.Kernel12x32(kc, a, b, c, ldc, load);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            GemmMicroKernels.Kernel6x16(kc, a, b, c, ldc, load);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            GemmMicroKernels.Kernel6x8(kc, a, b, c, ldc, load);
        }
        else
        {
            GemmMicroKernels.Kernel4x4(kc, a, b, c, ldc, load);
        }
    }

    /// <summary>Step that splits <paramref name="total"/> into equal blocks of at most about <paramref name="max"/>,
    /// rounded up to a multiple of <paramref name="multiple"/>.</summary>
    private static int Split(int total, int max, int multiple)
    {
        int blocks = (total + max - 1) / max;
        return RoundUp((total + blocks - 1) / blocks, multiple);
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
