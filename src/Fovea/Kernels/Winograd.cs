using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// 3×3 stride-1 convolution by Winograd's minimal filtering (Lavin and Gray, 2016). Legend as in
/// <see cref="ConvGeometry"/>; T = tiles in a block, ξ the point of a transformed tile.
///   forward          F(4×4, 3×3), 36 points: U[ξ] (OC×C) = G w Gᵀ;  V[ξ] (C×T) = Bᵀ x B;  M[ξ] (OC×T) = U[ξ]·V[ξ];
///                    y = Aᵀ M A + b  (<see cref="WinogradF4Transforms"/>): 2.25 multiplications per output and
///                    channel pair instead of 9
///   backward input   the forward pass over dy with the kernels rotated by 180° and transposed ([C, OC, 3, 3]) and
///                    paddings 2 − p, which is exactly the adjoint of the forward convolution
///   backward weight  F(2×2, 3×3), 16 points: Ŷ[ξ] (OC×T) = A dy Aᵀ;  M[ξ] (OC×C) = Σ_tiles Ŷ[ξ]·V[ξ]ᵀ;  dw = Gᵀ M G
///                    (<see cref="WinogradTransforms"/>; the exact adjoint of the F(2×2, 3×3) forward transforms)
/// Tiles cover the output grid (⌈OH/m⌉ × ⌈OW/m⌉ per image for m×m outputs a tile); inputs outside the image read as
/// zero and outputs past its edge are not stored, so any padding up to 2 and odd sizes work. Blocks of whole tile
/// rows (spanning images) are transformed into per-thread scratch sized for L2, multiplied by one GEMM per point,
/// and transformed back. Rows of fewer than 16 tiles are packed several to a vector (the F(4×4) transforms).
/// Threads: blocks are split in fixed contiguous ranges. Forward and input gradient compute every output the same
/// way whatever the split. The weight gradient sums one partial per thread in order, so it depends on the thread
/// count (as the im2col path does) but not on timing.
/// Error: F(4×4, 3×3) scales inputs by up to 10 (Bᵀ rows) and products by up to 8 (Aᵀ), so it rounds more than a
/// direct sum: measured max |y − exact| ≈ 1e-6·Σ|w·x| (direct: ≈ 1e-7), about 1e-5 relative to typical outputs,
/// well inside what training and inference tolerate (cuDNN and oneDNN use the same transform for float32).
/// Requires AVX-512. Reference twin: <see cref="Reference.ReferenceConv2D"/>; <see cref="Conv2DKernels"/> falls
/// back to im2col + GEMM for the shapes <see cref="Supports"/> rejects.
/// </summary>
internal static unsafe class Winograd
{

    /// <summary>Below this many input or output channels the per-point GEMMs are too thin to win.</summary>
    private const int MinChannels = 8;

    /// <summary>Floats of per-thread transformed data (V and M of one block) aimed to fit in L2 with the weights.
    /// </summary>
    private const int BlockBudget = 1 << 17;

    /// <summary>Tiles a block aims for: enough columns for the 8×48 GEMM tiles, few enough for L2.</summary>
    private const int TargetTiles = 192;

    /// <summary>As <see cref="BlockBudget"/> for the F(4×4) forward pass (36 points).</summary>
    private const int BlockBudget4 = 1 << 17;

    /// <summary>As <see cref="TargetTiles"/> for the F(4×4) forward pass.</summary>
    private const int TargetTiles4 = 96;

    public static bool Supports(in ConvGeometry g) =>
        Avx512F.IsSupported && g.KH == 3 && g.KW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1
        && g.DilationW == 1 && g.Groups == 1 && g.PadTop <= 2 && g.PadLeft <= 2 && g.PadBottom <= 2
        && g.PadRight <= 2 && g.C >= MinChannels && g.OC >= MinChannels;

    public static void Forward(float* x, float* w, float* bias, float* y, in ConvGeometry g)
    {
        int plane = g.OC * g.C;
        float[] u = ArrayPool<float>.Shared.Rent(36 * plane);
        try
        {
            fixed (float* pu = u)
            {
                for (int i = 0; i < plane; i++)
                    WinogradF4Transforms.Weights(w + (nint)i * 9, false, pu + i, plane);
                Run(x, pu, bias, y, g);
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
                for (int c = 0; c < g.C; c++)
                {
                    for (int oc = 0; oc < g.OC; oc++)
                        WinogradF4Transforms.Weights(w + ((nint)oc * g.C + c) * 9, true, pu + c * g.OC + oc, plane);
                }
                Run(dy, pu, null, dx, t);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(u);
        }
    }

    private static void Run(float* x, float* u, float* bias, float* y, in ConvGeometry g)
    {
        var plan = new Plan4(g);
        var job = new ForwardJob { X = x, U = u, Bias = bias, Y = y, G = g, P = plan };
        KernelThreads.For(plan.Blocks, job);
    }

    /// <summary>F(4×4, 3×3) tiling: TW×TH tiles per image; rows of tiles go Groups to a vector, Stride tile columns
    /// apart in the planes (TW when one row fills vectors by itself, else TW rounded up to a power of two);
    /// RowsPerBlock rows (a multiple of Groups) to a block; plane rows of Ld floats.</summary>
    private readonly struct Plan4
    {
        public Plan4(in ConvGeometry g)
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
            int tiles = Math.Min(TargetTiles4, Math.Max(16, BlockBudget4 / (36 * (g.C + g.OC))));
            int perBlock = Math.Max(1, tiles / stride);
            // Leave every thread a block when the batch is small.
            int threads = KernelThreads.ThreadCount;
            perBlock = Math.Min(perBlock, Math.Max(1, (rows + threads - 1) / threads));
            perBlock = (perBlock + groups - 1) / groups * groups;
            RowsPerBlock = perBlock;
            Blocks = (rows + perBlock - 1) / perBlock;
            Ld = WinogradTransforms.RoundUp16(perBlock * stride) + 16;
        }

        public int TW { get; }
        public int TH { get; }
        public int Stride { get; }
        public int Groups { get; }
        public int RowsPerBlock { get; }
        public int Blocks { get; }
        public int Ld { get; }

        /// <summary>GEMM columns of a block of <paramref name="rows"/> rows.</summary>
        public int Tiles(int rows) => Groups == 1 ? rows * TW : (rows + Groups - 1) / Groups * 16;
    }

    private struct ForwardJob : IParallelJob
    {
        public float* X, U, Bias, Y;
        public ConvGeometry G;
        public Plan4 P;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            var p = P;
            nint vLength = (nint)36 * g.C * p.Ld, mLength = (nint)36 * g.OC * p.Ld;
            float[] scratch = ArrayPool<float>.Shared.Rent((int)(vLength + mLength) + WinogradF4Transforms.ScratchLength);
            float** rows = stackalloc float*[96];
            try
            {
                fixed (float* ps = scratch)
                {
                    float* v = ps, m = ps + vLength, tmp = m + mLength;
                    int total = g.N * p.TH;
                    for (int b = begin; b < end; b++)
                    {
                        int r0 = b * p.RowsPerBlock, r1 = Math.Min(total, r0 + p.RowsPerBlock);
                        int tiles = p.Tiles(r1 - r0);
                        InputBlock(g, p, r0, r1, v, rows, tmp);
                        for (int xi = 0; xi < 36; xi++)
                        {
                            Gemm.Multiply(false, false, g.OC, tiles, g.C, U + (nint)xi * g.OC * g.C, g.C,
                                v + (nint)xi * g.C * p.Ld, p.Ld, m + (nint)xi * g.OC * p.Ld, p.Ld, accumulate: false);
                        }
                        OutputBlock(g, p, r0, r1, m, rows, tmp);
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        /// <summary>V[ξ][c][t] of block rows [r0, r1), channel by channel so each channel's rows stream in order.
        /// </summary>
        private readonly void InputBlock(in ConvGeometry g, in Plan4 p, int r0, int r1, float* v, float** rows,
            float* tmp)
        {
            nint plane = (nint)g.C * p.Ld;
            int tiles = p.Groups == 1 ? p.TW : 16;
            for (int c = 0; c < g.C; c++)
            {
                for (int r = r0; r < r1; r += p.Groups)
                {
                    for (int k = 0; k < p.Groups; k++)
                    {
                        float** group = rows + 6 * k;
                        if (r + k >= r1)
                        {
                            for (int u = 0; u < 6; u++)
                                group[u] = null;
                            continue;
                        }
                        int n = (r + k) / p.TH, i = (r + k) % p.TH;
                        float* xc = X + ((nint)n * g.C + c) * g.H * g.W;
                        for (int u = 0; u < 6; u++)
                            group[u] = Row(xc, 4 * i - g.PadTop + u, g.H, g.W);
                    }
                    WinogradF4Transforms.Input(rows, p.Groups, -g.PadLeft, g.W, tiles,
                        v + (nint)c * p.Ld + (r - r0) * p.Stride, plane, tmp);
                }
            }
        }

        private readonly void OutputBlock(in ConvGeometry g, in Plan4 p, int r0, int r1, float* m, float** rows,
            float* tmp)
        {
            nint plane = (nint)g.OC * p.Ld;
            int tiles = p.Groups == 1 ? p.TW : 16;
            for (int oc = 0; oc < g.OC; oc++)
            {
                float bias = Bias is null ? 0f : Bias[oc];
                for (int r = r0; r < r1; r += p.Groups)
                {
                    for (int k = 0; k < p.Groups; k++)
                    {
                        float** group = rows + 4 * k;
                        if (r + k >= r1)
                        {
                            for (int a = 0; a < 4; a++)
                                group[a] = null;
                            continue;
                        }
                        int n = (r + k) / p.TH, i = (r + k) % p.TH;
                        float* yc = Y + ((nint)n * g.OC + oc) * g.OH * g.OW;
                        for (int a = 0; a < 4; a++)
                            group[a] = Row(yc, 4 * i + a, g.OH, g.OW);
                    }
                    WinogradF4Transforms.Output(m + (nint)oc * p.Ld + (r - r0) * p.Stride, plane, p.Groups, tiles,
                        bias, rows, g.OW, tmp);
                }
            }
        }
    }

    /// <summary>dw = Σ over images and tiles (overwrites dw).</summary>
    public static void BackwardWeight(float* dy, float* x, float* dw, in ConvGeometry g)
    {
        var plan = new Plan(g);
        int chunks = Math.Max(1, Math.Min(KernelThreads.ThreadCount, plan.Blocks));
        int plane = g.OC * g.C;
        float[] partials = ArrayPool<float>.Shared.Rent(chunks * 16 * plane);
        try
        {
            fixed (float* pm = partials)
            {
                var job = new WeightJob { DY = dy, X = x, Partials = pm, Chunks = chunks, G = g, P = plan };
                KernelThreads.For(chunks, job);
                var sum = new Span<float>(pm, 16 * plane);
                for (int t = 1; t < chunks; t++)
                    Elementwise.AddInPlace(sum, new ReadOnlySpan<float>(pm + (nint)t * 16 * plane, 16 * plane));
                for (int i = 0; i < plane; i++)
                    WinogradTransforms.WeightGradient(pm + i, plane, dw + (nint)i * 9);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>How tiles are grouped: rows of TW tiles (TH per image), RowsPerBlock rows to a block, plane rows of
    /// Ld floats (room for the transforms' whole-vector stores past the last tile).</summary>
    private readonly struct Plan
    {
        public Plan(in ConvGeometry g)
        {
            TW = (g.OW + 1) / 2;
            TH = (g.OH + 1) / 2;
            int rows = g.N * TH;
            int budget = Math.Max(16, BlockBudget / (16 * (g.C + g.OC)));
            int tiles = Math.Min(TargetTiles, budget);
            int perBlock = Math.Max(1, tiles / TW);
            // Leave every thread a block when the batch is small.
            int threads = KernelThreads.ThreadCount;
            perBlock = Math.Min(perBlock, Math.Max(1, (rows + threads - 1) / threads));
            RowsPerBlock = perBlock;
            Blocks = (rows + perBlock - 1) / perBlock;
            Ld = WinogradTransforms.RoundUp16(perBlock * TW) + 16;
        }

        public int TW { get; }
        public int TH { get; }
        public int RowsPerBlock { get; }
        public int Blocks { get; }
        public int Ld { get; }
    }

    /// <summary>Row <paramref name="r"/> of a channel of height <paramref name="h"/>, or null outside it.</summary>
    private static float* Row(float* channel, int r, int h, int w) =>
        (uint)r < (uint)h ? channel + (nint)r * w : null;

    /// <summary>Transforms the input tiles of block rows [r0, r1) into V[ξ][c][t] (planes of C·Ld floats).</summary>
    private static void InputBlock(float* x, in ConvGeometry g, in Plan p, int r0, int r1, float* v)
    {
        nint plane = (nint)g.C * p.Ld;
        // Channel by channel, so each channel's rows stream in order (one prefetchable stream at a time).
        for (int c = 0; c < g.C; c++)
        {
            for (int r = r0; r < r1; r++)
            {
                int n = r / p.TH, i = r % p.TH, t0 = (r - r0) * p.TW;
                float* xc = x + ((nint)n * g.C + c) * g.H * g.W;
                int top = 2 * i - g.PadTop;
                WinogradTransforms.Input(Row(xc, top, g.H, g.W), Row(xc, top + 1, g.H, g.W),
                    Row(xc, top + 2, g.H, g.W), Row(xc, top + 3, g.H, g.W), -g.PadLeft, g.W, p.TW,
                    v + (nint)c * p.Ld + t0, plane);
            }
        }
    }

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
            nint vLength = (nint)16 * g.C * p.Ld, yLength = (nint)16 * g.OC * p.Ld;
            float[] scratch = ArrayPool<float>.Shared.Rent((int)(vLength + yLength));
            try
            {
                fixed (float* ps = scratch)
                {
                    float* v = ps, yh = ps + vLength;
                    int rows = g.N * p.TH;
                    for (int t = begin; t < end; t++)
                    {
                        float* sum = Partials + (nint)t * 16 * g.OC * g.C;
                        new Span<float>(sum, 16 * g.OC * g.C).Clear();
                        int b0 = (int)((long)t * p.Blocks / Chunks), b1 = (int)((long)(t + 1) * p.Blocks / Chunks);
                        for (int b = b0; b < b1; b++)
                        {
                            int r0 = b * p.RowsPerBlock, r1 = Math.Min(rows, r0 + p.RowsPerBlock);
                            int tiles = (r1 - r0) * p.TW;
                            InputBlock(X, g, p, r0, r1, v);
                            GradientBlock(g, p, r0, r1, yh);
                            for (int xi = 0; xi < 16; xi++)
                            {
                                Gemm.Multiply(false, true, g.OC, g.C, tiles, yh + (nint)xi * g.OC * p.Ld, p.Ld,
                                    v + (nint)xi * g.C * p.Ld, p.Ld, sum + (nint)xi * g.OC * g.C, g.C,
                                    accumulate: true);
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        /// <summary>Ŷ[ξ][oc][t] = (A dy Aᵀ) of the output-gradient tiles of block rows [r0, r1).</summary>
        private readonly void GradientBlock(in ConvGeometry g, in Plan p, int r0, int r1, float* yh)
        {
            nint plane = (nint)g.OC * p.Ld;
            for (int oc = 0; oc < g.OC; oc++)
            {
                for (int r = r0; r < r1; r++)
                {
                    int n = r / p.TH, i = r % p.TH, t0 = (r - r0) * p.TW;
                    float* dyc = DY + ((nint)n * g.OC + oc) * g.OH * g.OW;
                    WinogradTransforms.Gradient(dyc + (nint)2 * i * g.OW, Row(dyc, 2 * i + 1, g.OH, g.OW), g.OW, p.TW,
                        yh + (nint)oc * p.Ld + t0, plane);
                }
            }
        }
    }
}
