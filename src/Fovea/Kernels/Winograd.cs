using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// 3×3 stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray, 2016): a tile of 4×4
/// outputs takes 36 multiplications per channel pair instead of 144. Legend as in <see cref="ConvGeometry"/>;
/// T = tiles in a block, ξ = 0..35 the point of a transformed 6×6 tile; transforms in
/// <see cref="WinogradF4Transforms"/>.
///   forward          U[ξ] (OC×C) = G w Gᵀ;  V[ξ] (C×T) = Bᵀ x B;  M[ξ] (OC×T) = U[ξ]·V[ξ];  y = Aᵀ M A + b
///   backward input   the forward pass over dy with the kernels rotated by 180° and transposed ([C, OC, 3, 3]) and
///                    paddings 2 − p, which is exactly the adjoint of the forward convolution
///   backward weight  Ŷ[ξ] (OC×T) = A dy Aᵀ;  M[ξ] (OC×C) = Σ_tiles Ŷ[ξ]·V[ξ]ᵀ;  dw = Gᵀ M G
///                    (the exact adjoint of the forward transforms, on the forward's tiling)
/// Tiles cover the output grid, ⌈OH/4⌉ × ⌈OW/4⌉ per image; inputs outside the image read as zero and outputs past
/// its edge are not stored, so any padding up to 2 and odd sizes work. Blocks of whole tile rows (spanning images)
/// are transformed into per-thread scratch sized for L2, multiplied by 36 GEMMs, and transformed back. Rows of fewer
/// than 16 tiles are packed several to a vector.
/// Threads: blocks are split in fixed contiguous ranges. Forward and input gradient compute every output the same
/// way whatever the split. The weight gradient sums one partial per thread in order, so it depends on the thread
/// count (as the im2col path does) but not on timing.
/// Error: the transforms scale inputs by up to 10 (Bᵀ rows) and products by up to 8 (Aᵀ), so F(4×4, 3×3) rounds more
/// than a direct sum: measured max |y − exact| ≈ 1e-6·Σ|w·x| (direct: ≈ 1e-7), about 1e-5 relative to typical
/// outputs, and likewise for dx and dw; well inside what training and inference tolerate (cuDNN and oneDNN use the
/// same transform for float32).
/// Requires AVX-512. Reference twin: <see cref="Reference.ReferenceConv2D"/>; <see cref="Conv2DKernels"/> falls
/// back to im2col + GEMM for the shapes <see cref="Supports"/> rejects.
/// </summary>
internal static unsafe class Winograd
{
    /// <summary>Below this many input or output channels the per-point GEMMs are too thin to win.</summary>
    private const int MinChannels = 8;

    /// <summary>Floats of per-thread transformed data (36 planes of V and M for one block) aimed at L2.</summary>
    private const int ForwardBudget = 1 << 17;

    /// <summary>Tiles a forward block aims for: enough GEMM columns for the 8×48 tiles, few enough for L2.</summary>
    private const int ForwardTiles = 96;

    /// <summary>As <see cref="ForwardBudget"/> for the weight gradient (V and Ŷ).</summary>
    private const int WeightBudget = 1 << 17;

    /// <summary>Tiles (the GEMM depth) a weight-gradient block aims for.</summary>
    private const int WeightTiles = 96;

    /// <summary>Fewest tiles (4×4 output blocks over the batch) for which the transformed weights (36·C·OC floats,
    /// written and read once per call) cost less than the multiplications they save: measured on ResNet-18 at batch 1,
    /// 49 tiles (28×28) win 2×, 16 tiles (14×14) break even and 4 (7×7) lose 10×.</summary>
    private const int MinTiles = 32;

    /// <summary>Most channel pairs C·OC for the weight gradient: with more, the per-thread partial sums (36·C·OC
    /// floats each) stop fitting in cache and im2col + GEMM is faster (ResNet-18 7×7×512 at batch 16: 22 ms against
    /// 25..30; 14×14×256: 14..16 ms against 19, so Winograd there).</summary>
    private const int MaxWeightChannelPairs = 1 << 17;

    /// <summary>Whether the shape can run here (correctness); <see cref="Pays"/> says whether it should.</summary>
    public static bool Supports(in ConvGeometry g) =>
        Avx512F.IsSupported && g.KH == 3 && g.KW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1
        && g.DilationW == 1 && g.Groups == 1 && g.PadTop <= 2 && g.PadLeft <= 2 && g.PadBottom <= 2
        && g.PadRight <= 2;

    /// <summary>Whether Winograd beats im2col + GEMM for the forward pass (and the input gradient, the same
    /// computation) of a supported shape.</summary>
    public static bool Pays(in ConvGeometry g) =>
        g.C >= MinChannels && g.OC >= MinChannels && (long)g.N * ((g.OH + 3) / 4) * ((g.OW + 3) / 4) >= MinTiles;

    /// <summary>Fewest tiles for which Winograd beats im2col + GEMM when the transformed weights are at hand (cached
    /// by the caller for inference): measured on ResNet-18 at batch 1, 16 tiles (14×14, 256 channels) 0.73 ms against
    /// 1.29, 4 tiles (7×7, 512) 2.4 ms against 1.3.</summary>
    private const int MinTilesTransformed = 16;

    /// <summary>As <see cref="Pays"/> when the transformed weights need not be computed
    /// (<see cref="ForwardTransformed"/>).</summary>
    public static bool PaysTransformed(in ConvGeometry g) =>
        g.C >= MinChannels && g.OC >= MinChannels
        && (long)g.N * ((g.OH + 3) / 4) * ((g.OW + 3) / 4) >= MinTilesTransformed;

    /// <summary>Floats of the transformed forward weights U (36·OC·C).</summary>
    public static int TransformedLength(in ConvGeometry g) => 36 * g.OC * g.C;

    /// <summary>U[ξ] = G w Gᵀ for every kernel of w [OC, C, 3, 3]: the input of <see cref="ForwardTransformed"/>.</summary>
    public static void TransformForward(float* w, float* u, in ConvGeometry g) =>
        TransformWeights(w, g.OC, g.C, (nint)g.C * 9, 9, false, u);

    /// <summary>The forward pass from weights already transformed by <see cref="TransformForward"/>.</summary>
    public static void ForwardTransformed(float* x, float* u, float* bias, float* y, in ConvGeometry g,
        ConvEpilogue epilogue) => Run(x, u, bias, y, g, epilogue);

    /// <summary>As <see cref="Pays"/> for the weight gradient.</summary>
    public static bool PaysForWeightGradient(in ConvGeometry g) =>
        Pays(g) && (long)g.C * g.OC < MaxWeightChannelPairs;

    public static void Forward(float* x, float* w, float* bias, float* y, in ConvGeometry g,
        ConvEpilogue epilogue = default)
    {
        int plane = g.OC * g.C;
        float[] u = ArrayPool<float>.Shared.Rent(36 * plane);
        try
        {
            fixed (float* pu = u)
            {
                TransformWeights(w, g.OC, g.C, (nint)g.C * 9, 9, false, pu);
                Run(x, pu, bias, y, g, epilogue);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(u);
        }
    }

    /// <summary>dx = the forward pass of dy with rotated, transposed kernels (overwrites dx).</summary>
    public static void BackwardInput(float* dy, float* w, float* dx, in ConvGeometry g)
    {
        var t = new ConvGeometry(g.N, g.OC, g.OH, g.OW, g.C, 3, 3, 1, 1, 2 - g.PadTop, 2 - g.PadLeft,
            2 - g.PadBottom, 2 - g.PadRight, 1, 1, 1);
        int plane = g.OC * g.C;
        float[] u = ArrayPool<float>.Shared.Rent(36 * plane);
        try
        {
            fixed (float* pu = u)
            {
                // U'[ξ][c][oc] from w[oc][c] rotated: rows c, kernels along oc are C·9 floats apart.
                TransformWeights(w, g.C, g.OC, 9, (nint)g.C * 9, true, pu);
                Run(dy, pu, null, dx, t, default);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(u);
        }
    }

    /// <summary>dw = Gᵀ (Σ over images and tiles of Ŷ ⊙ V) G (overwrites dw).</summary>
    public static void BackwardWeight(float* dy, float* x, float* dw, in ConvGeometry g)
    {
        var plan = new Plan(g, WeightTiles, WeightBudget);
        int chunks = Math.Max(1, Math.Min(KernelThreads.ThreadCount, plan.Blocks));
        int plane = g.OC * g.C;
        float[] partials = ArrayPool<float>.Shared.Rent(chunks * 36 * plane + 16);
        try
        {
            fixed (float* pm = partials)
            {
                var job = new WeightJob { DY = dy, X = x, Partials = pm, Chunks = chunks, G = g, P = plan };
                KernelThreads.For(chunks, job);
                var sum = new Span<float>(pm, 36 * plane);
                for (int t = 1; t < chunks; t++)
                    Elementwise.AddInPlace(sum, new ReadOnlySpan<float>(pm + (nint)t * 36 * plane, 36 * plane));
                for (int oc = 0; oc < g.OC; oc++)
                {
                    for (int c = 0; c < g.C; c += 16)
                    {
                        WinogradF4Transforms.WeightGradient(pm + oc * g.C + c, plane, Math.Min(16, g.C - c),
                            dw + ((nint)oc * g.C + c) * 9, 9);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>U[ξ][r][i] = G k Gᵀ of the kernel k at w + r·rowStride + i·kernelStride (r &lt; rows, i &lt; count),
    /// rotated when <paramref name="flip"/>; rows split over the threads.</summary>
    private static void TransformWeights(float* w, int rows, int count, nint rowStride, nint kernelStride, bool flip,
        float* u)
    {
        var job = new WeightsJob
        {
            W = w, U = u, Count = count, RowStride = rowStride, KernelStride = kernelStride, Flip = flip,
            Plane = (nint)rows * count,
        };
        KernelThreads.For(rows, job, minPerChunk: Math.Max(1, 4096 / count));
    }

    private struct WeightsJob : IParallelJob
    {
        public float* W, U;
        public int Count;
        public nint RowStride, KernelStride, Plane;
        public bool Flip;

        public readonly void Execute(int begin, int end)
        {
            for (int r = begin; r < end; r++)
            {
                for (int i = 0; i < Count; i += 16)
                {
                    WinogradF4Transforms.Weights(W + r * RowStride + i * KernelStride, KernelStride,
                        Math.Min(16, Count - i), Flip, U + r * Count + i, Plane);
                }
            }
        }
    }

    private static void Run(float* x, float* u, float* bias, float* y, in ConvGeometry g, ConvEpilogue epilogue)
    {
        var plan = new Plan(g, ForwardTiles, ForwardBudget);
        var job = new ForwardJob { X = x, U = u, Bias = bias, Y = y, G = g, P = plan, Epilogue = epilogue };
        KernelThreads.For(plan.Blocks, job);
    }

    /// <summary>The tiling: TW×TH tiles of 4×4 outputs per image; rows of tiles go Groups to a vector, Stride tile
    /// columns apart in the planes (TW when one row fills vectors by itself, else TW rounded up to a power of two);
    /// RowsPerBlock rows (a multiple of Groups, spanning images) to a block; plane rows of Ld floats, with room for
    /// the transforms' whole-vector stores past the last tile.</summary>
    private readonly struct Plan
    {
        public Plan(in ConvGeometry g, int targetTiles, int budget)
        {
            TW = (g.OW + 3) / 4;
            TH = (g.OH + 3) / 4;
            int stride = TW, groups = 1;
            if (TW <= 8)
            {
                stride = (int)BitOperations.RoundUpToPowerOf2((uint)TW);
                groups = 16 / stride;
            }
            Stride = stride;
            Groups = groups;
            int rows = g.N * TH;
            int tiles = Math.Min(targetTiles, Math.Max(16, budget / (36 * (g.C + g.OC))));
            int perBlock = Math.Max(1, tiles / stride);
            // Leave every thread a block when the batch is small.
            int threads = KernelThreads.ThreadCount;
            perBlock = Math.Min(perBlock, Math.Max(1, (rows + threads - 1) / threads));
            perBlock = (perBlock + groups - 1) / groups * groups;
            RowsPerBlock = perBlock;
            Blocks = (rows + perBlock - 1) / perBlock;
            Ld = (perBlock * stride + 15) / 16 * 16 + 16;
        }

        public int TW { get; }
        public int TH { get; }
        public int Stride { get; }
        public int Groups { get; }
        public int RowsPerBlock { get; }
        public int Blocks { get; }
        public int Ld { get; }

        /// <summary>Tiles the transforms compute for a block of <paramref name="rows"/> rows (its GEMM size).</summary>
        public int Tiles(int rows) => Groups == 1 ? rows * TW : (rows + Groups - 1) / Groups * 16;

        /// <summary>Tiles one transform call covers for one group of rows.</summary>
        public int CallTiles => Groups == 1 ? TW : 16;
    }

    /// <summary>
    /// Points rows[span·k + u] (u &lt; span) at rows top(i) + u of channel c of the image of block row r + k
    /// (i its tile row), for k &lt; Groups; null outside the image or past row r1.
    /// </summary>
    private static void GroupRows(float* t, int channels, int c, int h, int w, int top, int span, in Plan p, int r,
        int r1, float** rows)
    {
        for (int k = 0; k < p.Groups; k++)
        {
            float** group = rows + span * k;
            if (r + k >= r1)
            {
                for (int u = 0; u < span; u++)
                    group[u] = null;
                continue;
            }
            int n = (r + k) / p.TH, i = (r + k) % p.TH;
            float* channel = t + ((nint)n * channels + c) * h * w;
            for (int u = 0; u < span; u++)
            {
                int row = 4 * i + top + u;
                group[u] = (uint)row < (uint)h ? channel + (nint)row * w : null;
            }
        }
    }

    /// <summary>V[ξ][c][t] of block rows [r0, r1), channel by channel so each channel's rows stream in order.</summary>
    private static void InputBlock(float* x, in ConvGeometry g, in Plan p, int r0, int r1, float* v, float** rows,
        float* tmp)
    {
        nint plane = (nint)g.C * p.Ld;
        for (int c = 0; c < g.C; c++)
        {
            for (int r = r0; r < r1; r += p.Groups)
            {
                GroupRows(x, g.C, c, g.H, g.W, -g.PadTop, 6, p, r, r1, rows);
                WinogradF4Transforms.Input(rows, p.Groups, -g.PadLeft, g.W, p.CallTiles,
                    v + (nint)c * p.Ld + (r - r0) * p.Stride, plane, tmp);
            }
        }
    }

    /// <summary>y = act(Aᵀ M A + b) of block rows [r0, r1).</summary>
    private static void OutputBlock(float* y, float* bias, in ConvGeometry g, in Plan p, int r0, int r1, float* m,
        float** rows, float* tmp, ConvEpilogue epilogue)
    {
        nint plane = (nint)g.OC * p.Ld;
        for (int oc = 0; oc < g.OC; oc++)
        {
            float b = bias is null ? 0f : bias[oc];
            for (int r = r0; r < r1; r += p.Groups)
            {
                GroupRows(y, g.OC, oc, g.OH, g.OW, 0, 4, p, r, r1, rows);
                WinogradF4Transforms.Output(m + (nint)oc * p.Ld + (r - r0) * p.Stride, plane, p.Groups, p.CallTiles,
                    b, rows, g.OW, tmp);
            }
            if (!epilogue.IsNone)
                EpilogueRows(y, g, p, oc, r0, r1, epilogue);
        }
    }

    /// <summary>The epilogue over the output rows of channel <paramref name="oc"/> that block rows [r0, r1) wrote:
    /// tile row i of image n is output rows 4i .. 4i + 3, contiguous within the image.</summary>
    private static void EpilogueRows(float* y, in ConvGeometry g, in Plan p, int oc, int r0, int r1,
        ConvEpilogue epilogue)
    {
        for (int r = r0; r < r1;)
        {
            int n = r / p.TH, i = r % p.TH;
            int last = Math.Min(r1, (n + 1) * p.TH);   // block rows of image n: tile rows i .. i + last − r − 1
            int top = 4 * i, bottom = Math.Min(g.OH, 4 * (i + last - r));
            epilogue.Apply(y + (((nint)n * g.OC + oc) * g.OH + top) * g.OW, (bottom - top) * g.OW, oc);
            r = last;
        }
    }

    /// <summary>Ŷ[ξ][oc][t] = A dy Aᵀ of block rows [r0, r1).</summary>
    private static void GradientBlock(float* dy, in ConvGeometry g, in Plan p, int r0, int r1, float* yh,
        float** rows, float* tmp)
    {
        nint plane = (nint)g.OC * p.Ld;
        for (int oc = 0; oc < g.OC; oc++)
        {
            for (int r = r0; r < r1; r += p.Groups)
            {
                GroupRows(dy, g.OC, oc, g.OH, g.OW, 0, 4, p, r, r1, rows);
                WinogradF4Transforms.Gradient(rows, p.Groups, g.OW, p.CallTiles,
                    yh + (nint)oc * p.Ld + (r - r0) * p.Stride, plane, tmp);
            }
        }
    }

    /// <summary>One forward block: transform, 36 GEMMs M[ξ] = U[ξ]·V[ξ], transform back.</summary>
    private static void ForwardBlock(float* x, float* u, float* bias, float* y, in ConvGeometry g, in Plan p, int b,
        float* v, float* m, float** rows, float* tmp, ConvEpilogue epilogue)
    {
        int r0 = b * p.RowsPerBlock, r1 = Math.Min(g.N * p.TH, r0 + p.RowsPerBlock);
        int tiles = p.Tiles(r1 - r0);
        InputBlock(x, g, p, r0, r1, v, rows, tmp);
        for (int xi = 0; xi < 36; xi++)
        {
            Gemm.Multiply(false, false, g.OC, tiles, g.C, u + (nint)xi * g.OC * g.C, g.C, v + (nint)xi * g.C * p.Ld,
                p.Ld, m + (nint)xi * g.OC * p.Ld, p.Ld, accumulate: false);
        }
        OutputBlock(y, bias, g, p, r0, r1, m, rows, tmp, epilogue);
    }

    /// <summary>One weight-gradient block: both transforms, then sum[ξ] += Ŷ[ξ]·V[ξ]ᵀ.</summary>
    private static void WeightBlock(float* dy, float* x, float* sum, in ConvGeometry g, in Plan p, int b, float* v,
        float* yh, float** rows, float* tmp)
    {
        int r0 = b * p.RowsPerBlock, r1 = Math.Min(g.N * p.TH, r0 + p.RowsPerBlock);
        int tiles = p.Tiles(r1 - r0);
        InputBlock(x, g, p, r0, r1, v, rows, tmp);
        GradientBlock(dy, g, p, r0, r1, yh, rows, tmp);
        for (int xi = 0; xi < 36; xi++)
        {
            Gemm.Multiply(false, true, g.OC, g.C, tiles, yh + (nint)xi * g.OC * p.Ld, p.Ld, v + (nint)xi * g.C * p.Ld,
                p.Ld, sum + (nint)xi * g.OC * g.C, g.C, accumulate: true);
        }
    }

    private struct ForwardJob : IParallelJob
    {
        public float* X, U, Bias, Y;
        public ConvGeometry G;
        public Plan P;
        public ConvEpilogue Epilogue;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            var p = P;
            nint vLength = (nint)36 * g.C * p.Ld, mLength = (nint)36 * g.OC * p.Ld;
            int length = (int)(vLength + mLength) + WinogradF4Transforms.ScratchLength;
            float[] scratch = ArrayPool<float>.Shared.Rent(length);
            float** rows = stackalloc float*[96];
            try
            {
                fixed (float* ps = scratch)
                {
                    for (int b = begin; b < end; b++)
                        ForwardBlock(X, U, Bias, Y, g, p, b, ps, ps + vLength, rows, ps + vLength + mLength,
                            Epilogue);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>Chunk t of the blocks into its own partial sum (36 planes of OC×C).</summary>
    private struct WeightJob : IParallelJob
    {
        public float* DY, X, Partials;
        public int Chunks;
        public ConvGeometry G;
        public Plan P;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            var p = P;
            nint vLength = (nint)36 * g.C * p.Ld, yLength = (nint)36 * g.OC * p.Ld;
            int length = (int)(vLength + yLength) + WinogradF4Transforms.ScratchLength;
            float[] scratch = ArrayPool<float>.Shared.Rent(length);
            float** rows = stackalloc float*[96];
            try
            {
                fixed (float* ps = scratch)
                {
                    for (int t = begin; t < end; t++)
                    {
                        float* sum = Partials + (nint)t * 36 * g.OC * g.C;
                        new Span<float>(sum, 36 * g.OC * g.C).Clear();
                        int b0 = (int)((long)t * p.Blocks / Chunks), b1 = (int)((long)(t + 1) * p.Blocks / Chunks);
                        for (int b = b0; b < b1; b++)
                            WeightBlock(DY, X, sum, g, p, b, ps, ps + vLength, rows, ps + vLength + yLength);
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }
}
