using System.Buffers;
using System.Diagnostics;

namespace Fovea.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as in PyTorch/Keras), NCHW, weights [OC, Cg, KH, KW]; see
/// <see cref="ConvGeometry"/> for the legend. Each pass picks an algorithm (<see cref="ConvAlgorithm"/>): Winograd
/// F(4×4, 3×3) for 3×3 stride-1 convolutions with enough tiles (<see cref="Winograd"/>), direct kernels for few input
/// channels (<see cref="DirectConv"/>) and for depthwise convolutions (<see cref="DepthwiseConv"/>), and otherwise
/// im2col + GEMM, where each image and group maps onto one GEMM:
///   forward          y[n, g] (OCg×P)  = W[g] (OCg×K) · im2col(x[n, g]) (K×P) + b
///   backward input   dx[n, g]        += col2im(W[g]ᵀ (K×OCg) · dy[n, g] (OCg×P))
///   backward weight  dW[g] (OCg×K)   += Σ_n dy[n, g] (OCg×P) · im2col(x[n, g])ᵀ (P×K)
///   backward bias    db[oc]           = Σ_n Σ_p dy[n, oc, p]
/// im2col: images are split over the kernel threads in fixed chunks; the weight gradient sums one partial per chunk
/// in chunk order, so results are deterministic (and depend on the thread count only through that order).
/// Reference twin: <see cref="Reference.ReferenceConv2D"/>.
/// </summary>
internal static unsafe class Conv2DKernels
{
    public static ConvAlgorithm ForwardAlgorithm(in ConvGeometry g) =>
        Winograd.Supports(g) && Winograd.Pays(g) ? ConvAlgorithm.Winograd
        : DirectConv.Supports(g) ? ConvAlgorithm.Direct
        : DepthwiseConv.Supports(g) ? ConvAlgorithm.Depthwise : ConvAlgorithm.Im2Col;

    public static ConvAlgorithm InputGradientAlgorithm(in ConvGeometry g) =>
        Winograd.Supports(g) && Winograd.Pays(g) ? ConvAlgorithm.Winograd
        : DepthwiseConv.Supports(g) ? ConvAlgorithm.Depthwise : ConvAlgorithm.Im2Col;

    public static ConvAlgorithm WeightGradientAlgorithm(in ConvGeometry g) =>
        Winograd.Supports(g) && Winograd.PaysForWeightGradient(g) ? ConvAlgorithm.Winograd
        : DirectConv.SupportsWeightGradient(g) ? ConvAlgorithm.Direct
        : DepthwiseConv.Supports(g) ? ConvAlgorithm.Depthwise : ConvAlgorithm.Im2Col;

    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        in ConvGeometry g) => Forward(x, w, bias, y, g, ForwardAlgorithm(g));

    /// <summary>y = conv(x, w) + b with the given algorithm, which must support the shape; then
    /// <paramref name="epilogue"/> on each output block while it is in cache.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        in ConvGeometry g, ConvAlgorithm algorithm, ConvEpilogue epilogue = default)
    {
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            float* b = bias.IsEmpty ? null : pb;
            switch (algorithm)
            {
                case ConvAlgorithm.Winograd:
                    Debug.Assert(Winograd.Supports(g));
                    Winograd.Forward(px, pw, b, py, g, epilogue);
                    break;
                case ConvAlgorithm.Direct:
                    Debug.Assert(DirectConv.Supports(g));
                    DirectConv.Forward(px, pw, b, py, g, epilogue);
                    break;
                case ConvAlgorithm.Depthwise:
                    Debug.Assert(DepthwiseConv.Supports(g));
                    DepthwiseConv.Forward(px, pw, b, py, g, epilogue);
                    break;
                default:
                    int rows = BlockRows(g), perImage = (g.OH + rows - 1) / rows;
                    if (g.N * perImage == 1 && g.Groups == 1 && !g.IsPointwise && KernelThreads.ThreadCount > 1)
                    {
                        // One block (an image at batch 1): unfold on every thread, then the GEMM splits itself.
                        SingleBlock(px, pw, b, py, g, epilogue);
                        break;
                    }
                    var job = new ForwardJob
                    {
                        X = px, W = pw, B = b, Y = py, G = g, Rows = rows, PerImage = perImage, Epilogue = epilogue,
                    };
                    KernelThreads.For(g.N * perImage, job);
                    break;
            }
        }
    }

    /// <summary>
    /// y = act(conv(x, w)·scale + shift) per output channel when <paramref name="scale"/> is given, else
    /// act(conv(x, w) + b): the epilogue (<see cref="ConvEpilogue"/>) runs on each output block in cache.
    /// </summary>
    /// <remarks>With <see cref="ConvAlgorithm.Winograd"/>, <paramref name="winogradWeights"/> may hold the weights
    /// already transformed by <see cref="TransformWinogradWeights"/> (empty: transformed here).</remarks>
    public static void ForwardFused(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, EpilogueActivation activation, float alpha, Span<float> y,
        in ConvGeometry g, ConvAlgorithm algorithm, ReadOnlySpan<float> winogradWeights = default)
    {
        Debug.Assert(scale.IsEmpty || (scale.Length == g.OC && shift.Length == g.OC));
        fixed (float* ps = scale, pt = shift)
        {
            var epilogue = new ConvEpilogue(activation, alpha, scale.IsEmpty ? null : ps, scale.IsEmpty ? null : pt);
            if (algorithm != ConvAlgorithm.Winograd || winogradWeights.IsEmpty)
            {
                Forward(x, w, bias, y, g, algorithm, epilogue);
                return;
            }
            Debug.Assert(Winograd.Supports(g) && winogradWeights.Length == Winograd.TransformedLength(g));
            fixed (float* px = x, pu = winogradWeights, pb = bias, py = y)
                Winograd.ForwardTransformed(px, pu, bias.IsEmpty ? null : pb, py, g, epilogue);
        }
    }

    /// <summary>The algorithm for an inference forward pass whose caller keeps Winograd-transformed weights: as
    /// <see cref="ForwardAlgorithm"/>, with Winograd also for fewer tiles (the weight transform is then free).</summary>
    public static ConvAlgorithm ForwardAlgorithmTransformed(in ConvGeometry g) =>
        Winograd.Supports(g) && Winograd.PaysTransformed(g) ? ConvAlgorithm.Winograd : ForwardAlgorithm(g);

    /// <summary>Floats of the Winograd-transformed weights of <paramref name="g"/>.</summary>
    public static int WinogradWeightsLength(in ConvGeometry g) => Winograd.TransformedLength(g);

    /// <summary>Transforms w [OC, C, 3, 3] for <see cref="ForwardFused"/> with Winograd (u: 36·OC·C floats).</summary>
    public static void TransformWinogradWeights(ReadOnlySpan<float> w, Span<float> u, in ConvGeometry g)
    {
        Debug.Assert(Winograd.Supports(g) && u.Length == Winograd.TransformedLength(g));
        fixed (float* pw = w, pu = u)
            Winograd.TransformForward(pw, pu, g);
    }

    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx,
        in ConvGeometry g) => BackwardInput(dy, w, dx, g, InputGradientAlgorithm(g));

    /// <summary>dx = convᵀ(dy, w) (overwrites dx) with the given algorithm (Winograd, depthwise or im2col).</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g,
        ConvAlgorithm algorithm)
    {
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            if (algorithm == ConvAlgorithm.Winograd)
            {
                Debug.Assert(Winograd.Supports(g));
                Winograd.BackwardInput(pdy, pw, pdx, g);
                return;
            }
            if (algorithm == ConvAlgorithm.Depthwise)
            {
                Debug.Assert(DepthwiseConv.Supports(g));
                DepthwiseConv.BackwardInput(pdy, pw, pdx, g);
                return;
            }
            KernelThreads.For(g.N, new BackwardInputJob { DY = pdy, W = pw, DX = pdx, G = g });
        }
    }

    /// <summary>dw = Σ_n dy[n] · im2col(x[n])ᵀ (overwrites dw).</summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw,
        in ConvGeometry g) => BackwardWeight(dy, x, dw, g, WeightGradientAlgorithm(g));

    /// <summary>dw as above with the given algorithm, which must support the shape.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g,
        ConvAlgorithm algorithm)
    {
        if (algorithm != ConvAlgorithm.Im2Col)
        {
            fixed (float* pdy = dy, px = x, pdw = dw)
            {
                if (algorithm == ConvAlgorithm.Winograd)
                {
                    Debug.Assert(Winograd.Supports(g));
                    Winograd.BackwardWeight(pdy, px, pdw, g);
                }
                else if (algorithm == ConvAlgorithm.Depthwise)
                {
                    Debug.Assert(DepthwiseConv.Supports(g));
                    DepthwiseConv.BackwardWeight(pdy, px, pdw, g);
                }
                else
                {
                    Debug.Assert(DirectConv.SupportsWeightGradient(g));
                    DirectConv.BackwardWeight(pdy, px, pdw, g);
                }
            }
            return;
        }
        int rows = BlockRows(g), perImage = (g.OH + rows - 1) / rows;
        int chunks = Math.Max(1, Math.Min(KernelThreads.ThreadCount, g.N * perImage));
        int len = g.WeightLength;
        float[] partials = ArrayPool<float>.Shared.Rent(chunks * len);
        try
        {
            fixed (float* pdy = dy, px = x, pdw = partials)
            {
                var job = new BackwardWeightJob
                {
                    DY = pdy, X = px, Partials = pdw, Chunks = chunks, Rows = rows, PerImage = perImage, G = g,
                };
                KernelThreads.For(chunks, job);
            }
            var first = partials.AsSpan(0, len);
            first.CopyTo(dw);
            for (int t = 1; t < chunks; t++)
                Elementwise.AddInPlace(dw, partials.AsSpan(t * len, len));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>db[oc] = Σ_n Σ_p dy[n, oc, p] (overwrites db), summed in double, output channels split over the
    /// threads (each channel's sum in one fixed order).</summary>
    public static void BackwardBias(ReadOnlySpan<float> dy, Span<float> db, in ConvGeometry g)
    {
        fixed (float* pdy = dy, pdb = db)
        {
            var job = new BiasJob { DY = pdy, DB = pdb, G = g };
            KernelThreads.For(g.OC, job, minPerChunk: Math.Max(1, (1 << 16) / Math.Max(1, g.N * g.P)));
        }
    }

    private struct BiasJob : IParallelJob
    {
        public float* DY, DB;
        public ConvGeometry G;

        public readonly void Execute(int begin, int end)
        {
            int p = G.P;
            for (int oc = begin; oc < end; oc++)
            {
                double sum = 0;
                for (int n = 0; n < G.N; n++)
                    sum += Elementwise.Sum(new ReadOnlySpan<float>(DY + ((nint)n * G.OC + oc) * p, p));
                DB[oc] = (float)sum;
            }
        }
    }

    /// <summary>The forward pass of a single block (one image, one group, all output rows) with every stage on all
    /// kernel threads: the unfolding split by input channels, then the GEMM, then bias and epilogue by channels.</summary>
    private static void SingleBlock(float* x, float* w, float* bias, float* y, in ConvGeometry g,
        ConvEpilogue epilogue)
    {
        float[] col = ArrayPool<float>.Shared.Rent(g.K * g.P);
        try
        {
            fixed (float* pcol = col)
            {
                KernelThreads.For(g.C, new UnfoldJob { X = x, Col = pcol, G = g }, minPerChunk: 4);
                Gemm.Multiply(false, false, g.OC, g.P, g.K, w, g.K, pcol, g.P, y, g.P, accumulate: false);
                if (bias is not null || !epilogue.IsNone)
                {
                    KernelThreads.For(g.OC, new EpilogueJob { Y = y, B = bias, P = g.P, Epilogue = epilogue },
                        minPerChunk: Math.Max(1, 4096 / g.P));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(col);
        }
    }

    private struct UnfoldJob : IParallelJob
    {
        public float* X, Col;
        public ConvGeometry G;

        public readonly void Execute(int begin, int end) => Im2Col.Unfold(X, Col, G, 0, G.OH, begin, end);
    }

    /// <summary>Bias, then the epilogue, on output channels [begin, end) of one image.</summary>
    private struct EpilogueJob : IParallelJob
    {
        public float* Y, B;
        public int P;
        public ConvEpilogue Epilogue;

        public readonly void Execute(int begin, int end) =>
            BiasAndEpilogue(Y + (long)begin * P, P, P, B, begin, end - begin, Epilogue);
    }

    /// <summary>Adds bias[oc0 + i] to row i of y (rows <paramref name="rowStride"/> apart, <paramref name="cols"/>
    /// long), then applies the epilogue of channel oc0 + i, for i &lt; rows.</summary>
    private static void BiasAndEpilogue(float* y, long rowStride, int cols, float* bias, int oc0, int rows,
        ConvEpilogue epilogue)
    {
        for (int i = 0; i < rows; i++)
        {
            float* row = y + i * rowStride;
            if (bias is not null)
            {
                var span = new Span<float>(row, cols);
                Elementwise.AddScalar(span, bias[oc0 + i], span);
            }
            epilogue.Apply(row, cols, oc0 + i);
        }
    }

    /// <summary>Floats an im2col block aims for (it then stays in L2 while the GEMM reads it).</summary>
    private const int ColumnBudget = 1 << 16;

    /// <summary>Fewest GEMM columns a block should have.</summary>
    private const int MinBlockColumns = 256;

    /// <summary>Output rows per im2col block: about <see cref="ColumnBudget"/> floats of columns, at least
    /// <see cref="MinBlockColumns"/> columns, at most the image.</summary>
    private static int BlockRows(in ConvGeometry g)
    {
        int rows = Math.Max(1, ColumnBudget / Math.Max(1, g.K * g.OW));
        rows = Math.Max(rows, (MinBlockColumns + g.OW - 1) / g.OW);
        return Math.Min(rows, g.OH);
    }

    /// <summary>
    /// Row block <c>item</c> of the image-major blocks that <see cref="ForwardJob"/> and
    /// <see cref="BackwardWeightJob"/> walk: image <see cref="N"/>, output rows [<see cref="Oh0"/>, <see cref="Oh1"/>),
    /// its first output position <see cref="P0"/> and its <see cref="Cols"/> = (Oh1 − Oh0)·OW GEMM columns.
    /// </summary>
    private readonly record struct RowBlock(int N, int Oh0, int Oh1, int P0, int Cols)
    {
        public static RowBlock Of(int item, int perImage, int rows, in ConvGeometry g)
        {
            int n = item / perImage, oh0 = item % perImage * rows, oh1 = Math.Min(g.OH, oh0 + rows);
            return new RowBlock(n, oh0, oh1, oh0 * g.OW, (oh1 - oh0) * g.OW);
        }

        /// <summary>The GEMM's [K, Cols] operand for group <paramref name="grp"/> of this block: its columns
        /// unfolded into <paramref name="col"/> (<paramref name="ldb"/> = Cols) or, 1×1, the input read in place
        /// (ldb = P).</summary>
        public float* Columns(float* x, float* col, int grp, in ConvGeometry g, out int ldb)
        {
            float* xg = x + (long)N * g.InputImage + (long)grp * g.Cg * g.H * g.W;
            if (g.IsPointwise)
            {
                ldb = g.P;
                return xg + P0;
            }
            Im2Col.Unfold(xg, col, g, Oh0, Oh1);
            ldb = Cols;
            return col;
        }
    }

    /// <summary>
    /// Blocks of output rows over all images (image-major): a block is unfolded (or, 1×1, read in place) and
    /// multiplied on its own, so the columns stay in cache and a single image still splits over the threads.
    /// </summary>
    private struct ForwardJob : IParallelJob
    {
        public float* X, W, B, Y;
        public ConvGeometry G;
        public int Rows, PerImage;
        public ConvEpilogue Epilogue;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            float[]? col = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(g.K * Rows * g.OW);
            try
            {
                fixed (float* pcol = col)
                {
                    for (int item = begin; item < end; item++)
                    {
                        var block = RowBlock.Of(item, PerImage, Rows, g);
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* yg = Y + (long)block.N * g.OutputImage + (long)grp * g.OCg * g.P + block.P0;
                            float* b = block.Columns(X, pcol, grp, g, out int ldb);
                            Gemm.Multiply(false, false, g.OCg, block.Cols, g.K, W + (long)grp * g.OCg * g.K, g.K, b,
                                ldb, yg, g.P, accumulate: false);
                            if (B is not null || !Epilogue.IsNone)
                                BiasAndEpilogue(yg, g.P, block.Cols, B, grp * g.OCg, g.OCg, Epilogue);
                        }
                    }
                }
            }
            finally
            {
                if (col is not null)
                    ArrayPool<float>.Shared.Return(col);
            }
        }
    }

    private struct BackwardInputJob : IParallelJob
    {
        public float* DY, W, DX;
        public ConvGeometry G;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            float[]? col = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(g.K * g.P);
            try
            {
                fixed (float* pcol = col)
                {
                    for (int n = begin; n < end; n++)
                    {
                        float* dxn = DX + (long)n * g.InputImage;
                        if (!g.IsPointwise)
                            new Span<float>(dxn, g.InputImage).Clear();
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* dxg = dxn + (long)grp * g.Cg * g.H * g.W;
                            float* dyg = DY + (long)n * g.OutputImage + (long)grp * g.OCg * g.P;
                            float* wg = W + (long)grp * g.OCg * g.K;
                            if (g.IsPointwise)
                            {
                                Gemm.Multiply(true, false, g.K, g.P, g.OCg, wg, g.K, dyg, g.P, dxg, g.P,
                                    accumulate: false);
                                continue;
                            }
                            Gemm.Multiply(true, false, g.K, g.P, g.OCg, wg, g.K, dyg, g.P, pcol, g.P,
                                accumulate: false);
                            Im2Col.Fold(pcol, dxg, g);
                        }
                    }
                }
            }
            finally
            {
                if (col is not null)
                    ArrayPool<float>.Shared.Return(col);
            }
        }
    }

    /// <summary>Chunk t of the row blocks (as in <see cref="ForwardJob"/>) into its own partial dW.</summary>
    private struct BackwardWeightJob : IParallelJob
    {
        public float* DY, X, Partials;
        public int Chunks, Rows, PerImage;
        public ConvGeometry G;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            float[]? col = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(g.K * Rows * g.OW);
            int items = g.N * PerImage;
            try
            {
                fixed (float* pcol = col)
                {
                    for (int t = begin; t < end; t++)
                    {
                        float* dw = Partials + (long)t * g.WeightLength;
                        new Span<float>(dw, g.WeightLength).Clear();
                        int i0 = (int)((long)t * items / Chunks), i1 = (int)((long)(t + 1) * items / Chunks);
                        for (int item = i0; item < i1; item++)
                        {
                            var block = RowBlock.Of(item, PerImage, Rows, g);
                            for (int grp = 0; grp < g.Groups; grp++)
                            {
                                float* dyg = DY + (long)block.N * g.OutputImage + (long)grp * g.OCg * g.P + block.P0;
                                float* b = block.Columns(X, pcol, grp, g, out int ldb);
                                Gemm.Multiply(false, true, g.OCg, g.K, block.Cols, dyg, g.P, b, ldb,
                                    dw + (long)grp * g.OCg * g.K, g.K, accumulate: true);
                            }
                        }
                    }
                }
            }
            finally
            {
                if (col is not null)
                    ArrayPool<float>.Shared.Return(col);
            }
        }
    }
}
