using System.Buffers;
using System.Numerics.Tensors;
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
///       for jr in NC step NR:  for ir in MC step MR:  micro-kernel C[MR×NR] (+)= Ã·B̃
/// Packing absorbs the transposes (<see cref="GemmPacking"/>), so all four cases run the same micro-kernels
/// (<see cref="GemmMicroKernels"/>: 8×48 with AVX-512, 6×16 AVX2, 6×8 128-bit, 4×4 scalar). With AVX-512/AVX2 an
/// untransposed operand that few tiles reuse is read in place instead (A when n is small, B when m is small:
/// the convolution shapes), which saves the packing pass; only a partial last panel is then packed. Edge tiles
/// are computed in full into scratch (panels zero-padded) and only their valid part reaches C, except a last column
/// panel of at most 4 columns next to an A read in place, which dot products along k compute (n = 49 = 48 + 1 at
/// ResNet's last stage). One row (m = 1, a dense layer at batch 1) skips the tiles: see <see cref="Gemv"/>.
/// Threads: called outside a parallel region with enough work, the larger of m and n (counted in tiles) is
/// split into fixed contiguous ranges over <see cref="KernelThreads"/>; every C element is computed by the same
/// code in the same order whatever the split, so results are deterministic. Inside a parallel region (Conv2D's
/// per-image loop) it runs on the calling thread. Packing buffers are rented and returned on every call.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>Below this m·n·k a call stays on one thread (fork/join would cost more than it saves).</summary>
    private const long ParallelMinWork = 1L << 19;

    private static int MR => Vector512.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 6 : 4;

    private static int NR => Vector512.IsHardwareAccelerated ? 48 : Vector256.IsHardwareAccelerated ? 16
        : Vector128.IsHardwareAccelerated ? 8 : 4;

    /// <summary>Depth of a block. Measured: deep blocks (fewer C passes) beat an L1-sized B̃ panel, which the
    /// L2 streams fast enough.</summary>
    private static int KC => Vector512.IsHardwareAccelerated ? 512 : 256;

    /// <summary>Rows of the packed A block (MC·KC floats), kept in L2.</summary>
    private static int MC => Vector512.IsHardwareAccelerated ? 128 : 120;

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
        if (m == 1 && !transA && Vector512.IsHardwareAccelerated)
        {
            Gemv(transB, n, k, a, b, ldb, c, accumulate);
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

    /// <summary>Columns a <see cref="Gemv"/> chunk takes at least (a chunk streams its part of B once).</summary>
    private const int GemvColumns = 64;

    /// <summary>
    /// One row (a dense layer at batch 1): c[j] (+)= Σ_p a[p]·op(B)[p, j], with B streamed once, in order. Bᵀ (B stored
    /// n×k, the dense layer's [out, in] weights): a dot product per column along B's contiguous rows; B (stored k×n):
    /// c += a[p]·B[p, :] row by row. The tile kernels would spend 8 rows of work on the one row and read B in
    /// 48-column strips. Columns split over the threads in fixed ranges; each column is summed the same way whatever
    /// the split.
    /// </summary>
    private static void Gemv(bool transB, int n, int k, float* a, float* b, int ldb, float* c, bool accumulate)
    {
        var job = new GemvJob { TransB = transB, K = k, A = a, B = b, Ldb = ldb, C = c, Accumulate = accumulate, N = n };
        int blocks = (n + GemvColumns - 1) / GemvColumns;
        if (KernelThreads.ThreadCount > 1 && !KernelThreads.IsInsideParallelRegion && (long)n * k >= 1 << 16)
            KernelThreads.For(blocks, job);
        else
            job.Execute(0, blocks);
    }

    private struct GemvJob : IParallelJob
    {
        public bool TransB, Accumulate;
        public int N, K, Ldb;
        public float* A, B, C;

        public readonly void Execute(int begin, int end)
        {
            int j0 = begin * GemvColumns, j1 = Math.Min(N, end * GemvColumns);
            if (TransB)
            {
                for (int j = j0; j < j1; j++)
                {
                    var row = new ReadOnlySpan<float>(B + (nint)j * Ldb, K);
                    float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(A, K), row);
                    C[j] = Accumulate ? C[j] + dot : dot;
                }
                return;
            }
            if (!Accumulate)
                new Span<float>(C + j0, j1 - j0).Clear();
            for (int p = 0; p < K; p++)
            {
                var row = new ReadOnlySpan<float>(B + (nint)p * Ldb + j0, j1 - j0);
                var dst = new Span<float>(C + j0, j1 - j0);
                Elementwise.AddScaled(dst, row, A[p]);
            }
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Serial(bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        int mr = MR, nr = NR;
        bool directA = !transA && ReadADirectly(n);
        bool directB = !transB && ReadBDirectly(m, ldb);
        int kcStep = Split(k, KC, 1);
        int mcStep = Split(m, MC, mr);
        int ncStep = Split(n, NC, nr);
        int aLength = kcStep * (directA ? mr : RoundUp(Math.Min(mcStep, m), mr));
        int bLength = kcStep * (directB ? nr : RoundUp(Math.Min(ncStep, n), nr));
        // A narrow last column panel (n = 49 leaves 1 column past 48) goes to the dot kernel, which wants A read in
        // place (its rows contiguous along k) and those columns of op(B) as contiguous rows.
        bool dotEdge = directA && Vector512.IsHardwareAccelerated;
        int dotLength = dotEdge ? DotEdgeMax * kcStep : 0;
        float[] buffer = ArrayPool<float>.Shared.Rent(aLength + bLength + dotLength + mr * nr + 16);
        try
        {
            fixed (float* pbuf = buffer)
            {
                float* ap = (float*)(((nint)pbuf + 63) & ~(nint)63);
                float* bp = ap + aLength;
                float* bt = bp + bLength;
                float* tile = bt + dotLength;
                for (int jc = 0; jc < n; jc += ncStep)
                {
                    int nc = Math.Min(ncStep, n - jc);
                    for (int pc = 0; pc < k; pc += kcStep)
                    {
                        int kc = Math.Min(kcStep, k - pc);
                        bool load = accumulate || pc > 0;
                        Source bs;
                        if (directB)
                        {
                            bs = new Source { Base = b + (nint)pc * ldb + jc, StepStride = ldb, PanelStep = nr };
                            int last = (nc - 1) / nr * nr, width = nc - last;
                            if (width != TileWidth(width))
                            {
                                GemmPacking.Copy(bs.Base + last, ldb, nr, kc, width, bp);
                                bs.Edge = bp;
                            }
                        }
                        else
                        {
                            if (transB)
                                GemmPacking.Panels(true, b + (nint)jc * ldb + pc, ldb, nc, kc, nr, bp);
                            else
                                GemmPacking.Panels(false, b + (nint)pc * ldb + jc, ldb, nc, kc, nr, bp);
                            bs = new Source { Base = bp, StepStride = nr, PanelStep = (nint)nr * kc };
                        }
                        int lastCol = (nc - 1) / nr * nr, lastWidth = nc - lastCol;
                        if (dotEdge && lastWidth <= DotEdgeMax)
                        {
                            GemmPacking.Columns(transB, b, ldb, pc, kc, jc + lastCol, lastWidth, bt);
                            bs.DotEdge = bt;
                        }
                        for (int ic = 0; ic < m; ic += mcStep)
                        {
                            int mc = Math.Min(mcStep, m - ic);
                            Source s;
                            if (directA)
                            {
                                s = new Source
                                {
                                    Base = a + (nint)ic * lda + pc, LaneStride = lda, StepStride = 1,
                                    PanelStep = (nint)mr * lda,
                                };
                                int last = (mc - 1) / mr * mr;
                                if (mc - last != mr)
                                {
                                    GemmPacking.Transpose(s.Base + last * s.LaneStride, lda, mr, kc, mc - last, ap);
                                    s.Edge = ap;
                                }
                            }
                            else
                            {
                                if (transA)
                                    GemmPacking.Panels(false, a + (nint)pc * lda + ic, lda, mc, kc, mr, ap);
                                else
                                    GemmPacking.Panels(true, a + (nint)ic * lda + pc, lda, mc, kc, mr, ap);
                                s = new Source { Base = ap, LaneStride = 1, StepStride = mr, PanelStep = mr * kc };
                            }
                            Macro(mc, nc, kc, s, bs, c + (nint)ic * ldc + jc, ldc, load, tile);
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

    /// <summary>Where the micro-kernels read a block of op(A) (lanes = rows) or op(B) (lanes = columns): panel q
    /// starts at Base + q·PanelStep, lane l of step p at + p·StepStride + l·LaneStride. A packed block has
    /// LaneStride 1 and StepStride MR (or NR); a block read in place has the source's strides, and its partial last
    /// panel, when the kernel would read past the matrix, is packed into Edge.</summary>
    private struct Source
    {
        public float* Base;
        public float* Edge;
        public nint LaneStride, StepStride, PanelStep;

        /// <summary>For op(B) only: its last panel's columns as rows of kc (when that panel is at most
        /// <see cref="DotEdgeMax"/> wide and A is read in place), for <see cref="GemmMicroKernels.Dot8"/>.</summary>
        public float* DotEdge;
    }

    /// <summary>All tiles of one block: C[mc×nc] (+)= op(A)[mc×kc]·op(B)[kc×nc]. Column panels outside, so a B̃
    /// panel stays in L1 while the A tiles stream past; with a dot-product edge, row tiles outside instead, so the
    /// edge reads each A tile right after the full panels did, from L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Macro(int mc, int nc, int kc, in Source a, in Source b, float* c, nint ldc, bool load,
        float* tile)
    {
        int mr = MR, nr = NR;
        if (b.DotEdge != null)
        {
            for (int ir = 0; ir < mc; ir += mr)
            {
                for (int jr = 0; jr < nc; jr += nr)
                    Block(ir, jr, mc, nc, kc, a, b, c, ldc, load, tile);
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += nr)
        {
            for (int ir = 0; ir < mc; ir += mr)
                Block(ir, jr, mc, nc, kc, a, b, c, ldc, load, tile);
        }
    }

    /// <summary>The tile at row ir and column jr of a block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block(int ir, int jr, int mc, int nc, int kc, in Source a, in Source b, float* c, nint ldc,
        bool load, float* tile)
    {
        int mr = MR, nr = NR;
        int nv = Math.Min(nr, nc - jr), mv = Math.Min(mr, mc - ir);
        float* bPanel = b.Base + jr / nr * b.PanelStep;
        nint bStride = b.StepStride;
        if (b.Edge != null && jr + nr >= nc)
        {
            bPanel = b.Edge;
            bStride = nr;
        }
        float* aPanel = a.Base + ir / mr * a.PanelStep;
        nint aLane = a.LaneStride, aStep = a.StepStride;
        if (a.Edge != null && ir + mr >= mc)
        {
            aPanel = a.Edge;
            aLane = 1;
            aStep = mr;
        }
        float* cTile = c + ir * ldc + jr;
        if (b.DotEdge != null && jr + nr >= nc && aStep == 1)
        {
            GemmMicroKernels.Dot8(kc, aPanel, aLane, b.DotEdge, nv, tile, nr);
            GemmPacking.StoreEdge(tile, nr, cTile, ldc, mv, nv, load);
        }
        else if (mv == mr && nv == TileWidth(nv))
        {
            Tile(kc, aPanel, aLane, aStep, bPanel, bStride, cTile, ldc, load, nv);
        }
        else
        {
            Tile(kc, aPanel, aLane, aStep, bPanel, bStride, tile, nr, false, nv);
            GemmPacking.StoreEdge(tile, nr, cTile, ldc, mv, nv, load);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc, bool load,
        int cols)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            if (cols > 32)
                GemmMicroKernels.Kernel8x48(kc, a, ars, aks, b, bks, c, ldc, load);
            else if (cols > 16)
                GemmMicroKernels.Kernel8x32(kc, a, ars, aks, b, bks, c, ldc, load);
            else if (cols > 8)
                GemmMicroKernels.Kernel8x16(kc, a, ars, aks, b, bks, c, ldc, load);
            else
                GemmMicroKernels.Kernel8x8(kc, a, ars, aks, b, bks, c, ldc, load);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            if (cols > 8)
                GemmMicroKernels.Kernel6x16(kc, a, ars, aks, b, bks, c, ldc, load);
            else
                GemmMicroKernels.Kernel6x8Avx(kc, a, ars, aks, b, bks, c, ldc, load);
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

    /// <summary>Widest last column panel computed by dot products along k (<see cref="GemmMicroKernels.Dot8"/>)
    /// rather than by the 8×8 kernel, which would spend 8 broadcasts and 8 FMAs per step on it. Measured at
    /// m 512, k 4608: n 48 takes 0.55 ms, n 49 0.79 ms with the 8×8 kernel for the 49th column.</summary>
    private const int DotEdgeMax = 4;

    /// <summary>Whether to read A (stored m×k) in place rather than pack it: when few column panels reuse it.</summary>
    private static bool ReadADirectly(int n) => Vector256.IsHardwareAccelerated && n <= 512;

    /// <summary>Whether to read B (stored k×n) in place rather than pack it: when few row tiles reuse it, and
    /// not when many do and its rows are 4 KiB apart (they would then crowd a few cache sets).</summary>
    private static bool ReadBDirectly(int m, int ldb) => Vector512.IsHardwareAccelerated
        ? m <= 128 || (m <= 512 && ldb % 1024 != 0)
        : Vector256.IsHardwareAccelerated && m <= 128;

    /// <summary>Columns the kernel for a panel with <paramref name="cols"/> valid columns computes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TileWidth(int cols) =>
        Vector512.IsHardwareAccelerated ? (cols > 32 ? 48 : cols > 16 ? 32 : cols > 8 ? 16 : 8)
        : Vector256.IsHardwareAccelerated ? (cols > 8 ? 16 : 8) : NR;

    /// <summary>Step that splits <paramref name="total"/> into equal blocks of at most about <paramref name="max"/>,
    /// rounded up to a multiple of <paramref name="multiple"/>.</summary>
    private static int Split(int total, int max, int multiple)
    {
        int blocks = (total + max - 1) / max;
        return RoundUp((total + blocks - 1) / blocks, multiple);
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
