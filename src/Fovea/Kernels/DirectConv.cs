using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// Direct 2-D convolution for few products per output (K = C·KH·KW ≤ 32: the first layer of a CNN, whose im2col GEMM
/// would be too shallow to run well; not 1×1, which needs no im2col), stride 1, no dilation, one group, KW ≤ 7, OC a
/// multiple of 8, with AVX-512:
///   forward          y[n, oc, oh, ow] = b[oc] + Σ_{c, kh, kw} w[oc, c, kh, kw] · xp[n, c, oh + kh, ow + kw]
///   backward weight  dw[oc, c, kh, kw] = Σ_{n, oh, ow} dy[n, oc, oh, ow] · xp[n, c, oh + kh, ow + kw]
/// where xp is the image zero-padded (padTop rows above, padLeft columns to the left), staged per image into scratch
/// so that every load is a plain vector load. Vectors run along ow (16 outputs). The forward pass keeps 8 output
/// channels × 32 outputs in 16 accumulators and broadcasts one weight per channel and tap; the weight gradient keeps
/// 8 output channels × KW taps (KW ≤ 3) in accumulators over a whole image, then adds them into per-thread vector
/// sums that are reduced at the end. The input gradient is not needed for a first layer and stays on im2col.
/// Threads: the forward pass splits output rows (all images) in fixed ranges, each output computed the same way
/// whatever the split; the weight gradient splits images and sums one partial per thread in order (deterministic
/// for a given thread count). Reference twin: <see cref="Reference.ReferenceConv2D"/>.
/// </summary>
internal static unsafe class DirectConv
{
    /// <summary>Most products per output this path takes; deeper ones run well as a GEMM.</summary>
    private const int MaxDepth = 32;

    public static bool Supports(in ConvGeometry g) =>
        Avx512F.IsSupported && g.Groups == 1 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1
        && g.DilationW == 1 && g.KH * g.KW > 1 && g.K <= MaxDepth && g.KW <= 7 && g.OC % 8 == 0;

    /// <summary>Whether <see cref="BackwardWeight"/> handles the shape (its accumulators fit KW ≤ 3).</summary>
    public static bool SupportsWeightGradient(in ConvGeometry g) => Supports(g) && g.KW <= 3;

    /// <summary>Floats per row of a staged image: every output block of 32 reads 32 + KW − 1 columns.</summary>
    private static int StagedWidth(in ConvGeometry g) => (g.OW + 31) / 32 * 32 + 16;

    private static int StagedHeight(in ConvGeometry g) => g.OH + g.KH - 1;

    public static void Forward(float* x, float* w, float* bias, float* y, in ConvGeometry g,
        ConvEpilogue epilogue = default)
    {
        // Weights as [OC/8][K][8]: the 8 channels of a block are contiguous for each tap.
        float[] packed = ArrayPool<float>.Shared.Rent(g.OC * g.K);
        try
        {
            fixed (float* pw = packed)
            {
                for (int oc = 0; oc < g.OC; oc++)
                {
                    for (int k = 0; k < g.K; k++)
                        pw[(oc / 8 * g.K + k) * 8 + oc % 8] = w[oc * g.K + k];
                }
                var job = new ForwardJob { X = x, W = pw, B = bias, Y = y, G = g, Epilogue = epilogue };
                KernelThreads.For(g.N * g.OH, job, minPerChunk: 8);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>dw = Σ over images (overwrites dw).</summary>
    public static void BackwardWeight(float* dy, float* x, float* dw, in ConvGeometry g)
    {
        int chunks = Math.Max(1, Math.Min(KernelThreads.ThreadCount, g.N));
        int sums = g.WeightLength * 16;
        float[] partials = ArrayPool<float>.Shared.Rent(chunks * sums);
        try
        {
            fixed (float* pp = partials)
            {
                var job = new WeightJob { DY = dy, X = x, Partials = pp, Chunks = chunks, G = g };
                KernelThreads.For(chunks, job);
                var total = new Span<float>(pp, sums);
                for (int t = 1; t < chunks; t++)
                    Elementwise.AddInPlace(total, new ReadOnlySpan<float>(pp + (nint)t * sums, sums));
                // Partial sums are laid out [OC/8][C][KH][8][KW][16]; dw is [OC][C][KH][KW].
                int kw = g.KW;
                for (int ob = 0; ob < g.OC / 8; ob++)
                {
                    for (int ckh = 0; ckh < g.C * g.KH; ckh++)
                    {
                        float* s = pp + (nint)(ob * g.C * g.KH + ckh) * 8 * kw * 16;
                        for (int i = 0; i < 8; i++)
                        {
                            for (int k = 0; k < kw; k++)
                            {
                                dw[((ob * 8 + i) * g.C * g.KH + ckh) * kw + k] =
                                    Vector512.Sum(Vector512.Load(s + (i * kw + k) * 16));
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>Copies image n into xp: [C][StagedHeight][StagedWidth], zero around it.</summary>
    private static void Stage(float* x, int n, in ConvGeometry g, float* xp)
    {
        int ph = StagedHeight(g), pw = StagedWidth(g);
        new Span<float>(xp, g.C * ph * pw).Clear();
        for (int c = 0; c < g.C; c++)
        {
            for (int r = 0; r < ph; r++)
            {
                int ih = r - g.PadTop;
                if ((uint)ih >= (uint)g.H)
                    continue;
                int from = Math.Max(0, -g.PadLeft), to = Math.Min(g.W, pw - g.PadLeft);
                if (to > from)
                {
                    new ReadOnlySpan<float>(x + (((nint)n * g.C + c) * g.H + ih) * g.W + from, to - from).CopyTo(
                        new Span<float>(xp + ((nint)c * ph + r) * pw + g.PadLeft + from, to - from));
                }
            }
        }
    }

    private struct ForwardJob : IParallelJob
    {
        public float* X, W, B, Y;
        public ConvGeometry G;
        public ConvEpilogue Epilogue;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            int ph = StagedHeight(g), pw = StagedWidth(g);
            float[] staged = ArrayPool<float>.Shared.Rent(g.C * ph * pw);
            try
            {
                fixed (float* xp = staged)
                {
                    int current = -1;
                    for (int row = begin; row < end; row++)
                    {
                        int n = row / g.OH, oh = row % g.OH;
                        if (n != current)
                        {
                            Stage(X, n, g, xp);
                            current = n;
                        }
                        for (int ob = 0; ob < g.OC / 8; ob++)
                        {
                            float* yr = Y + (((nint)n * g.OC + ob * 8) * g.OH + oh) * g.OW;
                            for (int ow = 0; ow < g.OW; ow += 32)
                            {
                                Block(xp + (nint)oh * pw + ow, ph * pw, pw, W + (nint)ob * g.K * 8, B, ob * 8, g,
                                    yr + ow, g.OW - ow);
                            }
                        }
                        if (!Epilogue.IsNone)
                        {
                            for (int oc = 0; oc < g.OC; oc++)
                                Epilogue.Apply(Y + (((nint)n * g.OC + oc) * g.OH + oh) * g.OW, g.OW, oc);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(staged);
            }
        }
    }

    /// <summary>8 output channels × 32 outputs of one row: y[i·OH·OW + j] for j &lt; count.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block(float* xp, nint channel, nint pw, float* w, float* bias, int oc, in ConvGeometry g,
        float* y, int count)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        Vector512<float> b4 = default, b5 = default, b6 = default, b7 = default;
        int kh = g.KH, kw = g.KW;
        for (int c = 0; c < g.C; c++)
        {
            for (int r = 0; r < kh; r++)
            {
                float* row = xp + c * channel + r * pw;
                for (int k = 0; k < kw; k++)
                {
                    var v0 = Vector512.Load(row + k);
                    var v1 = Vector512.Load(row + k + 16);
                    var s = Vector512.Create(w[0]);
                    a0 = Vector512.FusedMultiplyAdd(s, v0, a0);
                    b0 = Vector512.FusedMultiplyAdd(s, v1, b0);
                    s = Vector512.Create(w[1]);
                    a1 = Vector512.FusedMultiplyAdd(s, v0, a1);
                    b1 = Vector512.FusedMultiplyAdd(s, v1, b1);
                    s = Vector512.Create(w[2]);
                    a2 = Vector512.FusedMultiplyAdd(s, v0, a2);
                    b2 = Vector512.FusedMultiplyAdd(s, v1, b2);
                    s = Vector512.Create(w[3]);
                    a3 = Vector512.FusedMultiplyAdd(s, v0, a3);
                    b3 = Vector512.FusedMultiplyAdd(s, v1, b3);
                    s = Vector512.Create(w[4]);
                    a4 = Vector512.FusedMultiplyAdd(s, v0, a4);
                    b4 = Vector512.FusedMultiplyAdd(s, v1, b4);
                    s = Vector512.Create(w[5]);
                    a5 = Vector512.FusedMultiplyAdd(s, v0, a5);
                    b5 = Vector512.FusedMultiplyAdd(s, v1, b5);
                    s = Vector512.Create(w[6]);
                    a6 = Vector512.FusedMultiplyAdd(s, v0, a6);
                    b6 = Vector512.FusedMultiplyAdd(s, v1, b6);
                    s = Vector512.Create(w[7]);
                    a7 = Vector512.FusedMultiplyAdd(s, v0, a7);
                    b7 = Vector512.FusedMultiplyAdd(s, v1, b7);
                    w += 8;
                }
            }
        }
        nint plane = (nint)g.OH * g.OW;
        Put(y, count, a0, b0, bias, oc);
        Put(y + plane, count, a1, b1, bias, oc + 1);
        Put(y + 2 * plane, count, a2, b2, bias, oc + 2);
        Put(y + 3 * plane, count, a3, b3, bias, oc + 3);
        Put(y + 4 * plane, count, a4, b4, bias, oc + 4);
        Put(y + 5 * plane, count, a5, b5, bias, oc + 5);
        Put(y + 6 * plane, count, a6, b6, bias, oc + 6);
        Put(y + 7 * plane, count, a7, b7, bias, oc + 7);
    }

    /// <summary>y[0 .. count) = the two vectors + bias (first count lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* y, int count, Vector512<float> lo, Vector512<float> hi, float* bias, int oc)
    {
        if (bias != null)
        {
            var b = Vector512.Create(bias[oc]);
            lo += b;
            hi += b;
        }
        if (count >= 32)
        {
            Vector512.Store(lo, y);
            Vector512.Store(hi, y + 16);
            return;
        }
        Avx512F.MaskStore(y, Lanes(count), lo);
        if (count > 16)
            Avx512F.MaskStore(y + 16, Lanes(count - 16), hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lanes(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>Chunk t of the images into its own partial sums, [OC/8][C][KH][8][KW][16] vectors.</summary>
    private struct WeightJob : IParallelJob
    {
        public float* DY, X, Partials;
        public int Chunks;
        public ConvGeometry G;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            int ph = StagedHeight(g), pw = StagedWidth(g);
            int sums = g.WeightLength * 16;
            float[] staged = ArrayPool<float>.Shared.Rent(g.C * ph * pw);
            try
            {
                fixed (float* xp = staged)
                {
                    for (int t = begin; t < end; t++)
                    {
                        float* acc = Partials + (nint)t * sums;
                        new Span<float>(acc, sums).Clear();
                        int n0 = (int)((long)t * g.N / Chunks), n1 = (int)((long)(t + 1) * g.N / Chunks);
                        for (int n = n0; n < n1; n++)
                        {
                            Stage(X, n, g, xp);
                            for (int ob = 0; ob < g.OC / 8; ob++)
                            {
                                float* dyb = DY + ((nint)n * g.OC + ob * 8) * g.OH * g.OW;
                                for (int c = 0; c < g.C; c++)
                                {
                                    for (int kh = 0; kh < g.KH; kh++)
                                    {
                                        float* a = acc + (nint)((ob * g.C + c) * g.KH + kh) * 8 * g.KW * 16;
                                        WeightBlock(dyb, xp + ((nint)c * ph + kh) * pw, pw, g, a);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(staged);
            }
        }
    }

    /// <summary>
    /// acc[(i·KW + k)·16 ..] += Σ_{oh, ow} dy[i, oh, ow] · xp[oh, ow + k] (lanes hold ow mod 16) for 8 output channels
    /// i and the KW taps of one input row offset; dy is 8 channel planes, xp the staged rows from the tap's row.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightBlock(float* dy, float* xp, nint pw, in ConvGeometry g, float* acc)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a50 = default, a51 = default, a52 = default;
        Vector512<float> a60 = default, a61 = default, a62 = default, a70 = default, a71 = default, a72 = default;
        nint plane = (nint)g.OH * g.OW;
        int ow = g.OW;
        int k1 = g.KW > 1 ? 1 : 0, k2 = g.KW > 2 ? 2 : 0;
        for (int oh = 0; oh < g.OH; oh++)
        {
            float* d = dy + (nint)oh * ow;
            float* row = xp + oh * pw;
            for (int j = 0; j < ow; j += 16)
            {
                var mask = Lanes(ow - j);
                bool full = j + 16 <= ow;
                var x0 = Vector512.Load(row + j);
                var x1 = Vector512.Load(row + j + k1);
                var x2 = Vector512.Load(row + j + k2);
                var dv = Load(d + j, full, mask);
                a00 = Vector512.FusedMultiplyAdd(dv, x0, a00);
                a01 = Vector512.FusedMultiplyAdd(dv, x1, a01);
                a02 = Vector512.FusedMultiplyAdd(dv, x2, a02);
                dv = Load(d + plane + j, full, mask);
                a10 = Vector512.FusedMultiplyAdd(dv, x0, a10);
                a11 = Vector512.FusedMultiplyAdd(dv, x1, a11);
                a12 = Vector512.FusedMultiplyAdd(dv, x2, a12);
                dv = Load(d + 2 * plane + j, full, mask);
                a20 = Vector512.FusedMultiplyAdd(dv, x0, a20);
                a21 = Vector512.FusedMultiplyAdd(dv, x1, a21);
                a22 = Vector512.FusedMultiplyAdd(dv, x2, a22);
                dv = Load(d + 3 * plane + j, full, mask);
                a30 = Vector512.FusedMultiplyAdd(dv, x0, a30);
                a31 = Vector512.FusedMultiplyAdd(dv, x1, a31);
                a32 = Vector512.FusedMultiplyAdd(dv, x2, a32);
                dv = Load(d + 4 * plane + j, full, mask);
                a40 = Vector512.FusedMultiplyAdd(dv, x0, a40);
                a41 = Vector512.FusedMultiplyAdd(dv, x1, a41);
                a42 = Vector512.FusedMultiplyAdd(dv, x2, a42);
                dv = Load(d + 5 * plane + j, full, mask);
                a50 = Vector512.FusedMultiplyAdd(dv, x0, a50);
                a51 = Vector512.FusedMultiplyAdd(dv, x1, a51);
                a52 = Vector512.FusedMultiplyAdd(dv, x2, a52);
                dv = Load(d + 6 * plane + j, full, mask);
                a60 = Vector512.FusedMultiplyAdd(dv, x0, a60);
                a61 = Vector512.FusedMultiplyAdd(dv, x1, a61);
                a62 = Vector512.FusedMultiplyAdd(dv, x2, a62);
                dv = Load(d + 7 * plane + j, full, mask);
                a70 = Vector512.FusedMultiplyAdd(dv, x0, a70);
                a71 = Vector512.FusedMultiplyAdd(dv, x1, a71);
                a72 = Vector512.FusedMultiplyAdd(dv, x2, a72);
            }
        }
        int kw = g.KW;
        Add(acc, kw, 0, a00, a01, a02);
        Add(acc, kw, 1, a10, a11, a12);
        Add(acc, kw, 2, a20, a21, a22);
        Add(acc, kw, 3, a30, a31, a32);
        Add(acc, kw, 4, a40, a41, a42);
        Add(acc, kw, 5, a50, a51, a52);
        Add(acc, kw, 6, a60, a61, a62);
        Add(acc, kw, 7, a70, a71, a72);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(float* p, bool full, Vector512<float> mask) =>
        full ? Vector512.Load(p) : Avx512F.MaskLoad(p, mask, Vector512<float>.Zero);

    /// <summary>Adds the taps of channel i (only the first KW of the three) into acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* acc, int kw, int i, Vector512<float> t0, Vector512<float> t1, Vector512<float> t2)
    {
        float* a = acc + i * kw * 16;
        Vector512.Store(Vector512.Load(a) + t0, a);
        if (kw > 1)
            Vector512.Store(Vector512.Load(a + 16) + t1, a + 16);
        if (kw > 2)
            Vector512.Store(Vector512.Load(a + 32) + t2, a + 32);
    }
}
