using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// Depthwise 2-D convolution (groups = C = OC: one KH×KW kernel per channel, KH, KW ≤ 7), strides 1 and 2, no
/// dilation, with AVX-512. Legend as in <see cref="ConvGeometry"/>; xp is a channel plane zero-padded (padTop rows
/// above, padLeft columns to the left):
///   forward          y[n, c, oh, ow] = b[c] + Σ_{kh, kw} w[c, kh, kw] · xp[n, c, oh·SH + kh, ow·SW + kw]
///   backward input   dx = the stride-1 correlation of u with the kernel rotated by 180°, where u is dy spread out by
///                    the strides (zeros between) and padded by KH − 1 − padTop, KW − 1 − padLeft: the exact adjoint
///   backward weight  dw[c, kh, kw] = Σ_{n, oh, ow} dy[n, c, oh, ow] · xp[n, c, oh·SH + kh, ow·SW + kw]
/// Each plane is staged padded into per-thread scratch, so every load is a plain vector load. Vectors run along ow:
/// 32 outputs per step at stride 1, 16 at stride 2 (the even columns split out of two loads by a permute).
/// Threads: forward and input gradient split the (image, channel) planes; the weight gradient splits the channels,
/// each channel summed over the images in one fixed order; no result depends on the thread count.
/// Reference twin: <see cref="Reference.ReferenceConv2D"/>.
/// </summary>
internal static unsafe class DepthwiseConv
{
    public static bool Supports(in ConvGeometry g) =>
        Avx512F.IsSupported && g.Groups == g.C && g.OC == g.C && g.DilationH == 1 && g.DilationW == 1
        && g.StrideH <= 2 && g.StrideW <= 2 && g.KH <= 7 && g.KW <= 7;

    public static void Forward(float* x, float* w, float* bias, float* y, in ConvGeometry g,
        ConvEpilogue epilogue = default)
    {
        var job = new PlaneJob
        {
            Source = x, W = w, Bias = bias, Destination = y, G = g, Input = false, Epilogue = epilogue,
        };
        KernelThreads.For(g.N * g.C, job);
    }

    /// <summary>dx (overwrites dx).</summary>
    public static void BackwardInput(float* dy, float* w, float* dx, in ConvGeometry g)
    {
        var job = new PlaneJob { Source = dy, W = w, Destination = dx, G = g, Input = true };
        KernelThreads.For(g.N * g.C, job);
    }

    /// <summary>dw (overwrites dw).</summary>
    public static void BackwardWeight(float* dy, float* x, float* dw, in ConvGeometry g)
    {
        var job = new WeightJob { DY = dy, X = x, DW = dw, G = g };
        KernelThreads.For(g.C, job);
    }

    /// <summary>Rows and columns of the staged plane the forward pass (and the weight gradient) reads.</summary>
    private static (int Rows, int Columns) ForwardStage(in ConvGeometry g) =>
        ((g.OH - 1) * g.StrideH + g.KH, g.StrideW * ((g.OW + 31) & ~31) + g.KW + 16);

    /// <summary>Rows and columns of the staged spread-out dy the input gradient reads.</summary>
    private static (int Rows, int Columns) InputStage(in ConvGeometry g) =>
        (g.H + g.KH - 1, ((g.W + 31) & ~31) + g.KW + 16);

    /// <summary>
    /// dst[r, col] = src[(r − top)/up_h, (col − left)/up_w] where both divisions are exact and inside the h×w plane,
    /// else 0, for r &lt; rows, col &lt; columns (row stride columns).
    /// </summary>
    private static void Stage(float* src, int h, int w, int top, int left, int upH, int upW, float* dst, int rows,
        int columns)
    {
        new Span<float>(dst, rows * columns).Clear();
        for (int r = 0; r < rows; r++)
        {
            int a = r - top;
            if (a < 0 || a % upH != 0 || a / upH >= h)
                continue;
            float* s = src + (nint)(a / upH) * w;
            float* d = dst + (nint)r * columns;
            if (upW == 1)
            {
                int from = Math.Max(0, -left), to = Math.Min(w, columns - left);
                if (to > from)
                    new ReadOnlySpan<float>(s + from, to - from).CopyTo(new Span<float>(d + left + from, to - from));
                continue;
            }
            for (int b = 0; b < w; b++)
            {
                int col = left + b * upW;
                if ((uint)col < (uint)columns)
                    d[col] = s[b];
            }
        }
    }

    /// <summary>One (image, channel) plane per item: stage it, then one output row at a time.</summary>
    private struct PlaneJob : IParallelJob
    {
        public float* Source, W, Bias, Destination;
        public ConvGeometry G;
        public bool Input;
        public ConvEpilogue Epilogue;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            var (rows, columns) = Input ? InputStage(g) : ForwardStage(g);
            int k = g.KH * g.KW;
            float[] scratch = ArrayPool<float>.Shared.Rent(rows * columns + k);
            try
            {
                fixed (float* staged = scratch)
                {
                    float* kernel = staged + rows * columns;
                    for (int item = begin; item < end; item++)
                    {
                        int c = item % g.C;
                        if (Input)
                        {
                            // Rotated kernel over dy spread out by the strides; the result is an H×W plane.
                            for (int t = 0; t < k; t++)
                                kernel[t] = W[c * k + k - 1 - t];
                            Stage(Source + (nint)item * g.OH * g.OW, g.OH, g.OW, g.KH - 1 - g.PadTop,
                                g.KW - 1 - g.PadLeft, g.StrideH, g.StrideW, staged, rows, columns);
                            Plane(staged, columns, 1, 1, kernel, g.KH, g.KW, 0f, Destination + (nint)item * g.H * g.W,
                                g.H, g.W);
                        }
                        else
                        {
                            Stage(Source + (nint)item * g.H * g.W, g.H, g.W, g.PadTop, g.PadLeft, 1, 1, staged, rows,
                                columns);
                            Plane(staged, columns, g.StrideH, g.StrideW, W + c * k, g.KH, g.KW,
                                Bias is null ? 0f : Bias[c], Destination + (nint)item * g.OH * g.OW, g.OH, g.OW);
                            Epilogue.Apply(Destination + (nint)item * g.OH * g.OW, g.OH * g.OW, c);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>out[oh, ow] = bias + Σ w[kh, kw] · staged[oh·sh + kh, ow·sw + kw] for an oh×ow plane.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Plane(float* staged, nint columns, int sh, int sw, float* w, int kh, int kw, float bias,
        float* output, int oh, int ow)
    {
        var b = Vector512.Create(bias);
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        for (int r = 0; r < oh; r++)
        {
            float* rows = staged + (nint)r * sh * columns;
            float* o = output + (nint)r * ow;
            if (sw == 1)
            {
                for (int j = 0; j < ow; j += 32)
                {
                    Vector512<float> a0 = b, a1 = b;
                    for (int i = 0; i < kh; i++)
                    {
                        float* s = rows + i * columns + j;
                        float* wi = w + i * kw;
                        for (int t = 0; t < kw; t++)
                        {
                            var wv = Vector512.Create(wi[t]);
                            a0 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(s + t), a0);
                            a1 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(s + t + 16), a1);
                        }
                    }
                    Store(o + j, ow - j, a0);
                    if (ow - j > 16)
                        Store(o + j + 16, ow - j - 16, a1);
                }
            }
            else
            {
                for (int j = 0; j < ow; j += 16)
                {
                    var a = b;
                    for (int i = 0; i < kh; i++)
                    {
                        float* s = rows + i * columns + 2 * j;
                        float* wi = w + i * kw;
                        for (int t = 0; t < kw; t++)
                        {
                            var v = Avx512F.PermuteVar16x32x2(Vector512.Load(s + t), even, Vector512.Load(s + t + 16));
                            a = Vector512.FusedMultiplyAdd(Vector512.Create(wi[t]), v, a);
                        }
                    }
                    Store(o + j, ow - j, a);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* p, int count, Vector512<float> v)
    {
        if (count >= 16)
            Vector512.Store(v, p);
        else
            Avx512F.MaskStore(p, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle(), v);
    }

    /// <summary>Channels per item: each sums its dw over all images, in image order.</summary>
    private struct WeightJob : IParallelJob
    {
        public float* DY, X, DW;
        public ConvGeometry G;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            var (rows, columns) = ForwardStage(g);
            int k = g.KH * g.KW;
            float[] scratch = ArrayPool<float>.Shared.Rent(rows * columns + k * 16);
            try
            {
                fixed (float* staged = scratch)
                {
                    float* acc = staged + rows * columns;
                    for (int c = begin; c < end; c++)
                    {
                        new Span<float>(acc, k * 16).Clear();
                        for (int n = 0; n < g.N; n++)
                        {
                            nint plane = (nint)n * g.C + c;
                            Stage(X + plane * g.H * g.W, g.H, g.W, g.PadTop, g.PadLeft, 1, 1, staged, rows, columns);
                            Accumulate(DY + plane * g.OH * g.OW, staged, columns, g, acc);
                        }
                        for (int t = 0; t < k; t++)
                            DW[c * k + t] = Vector512.Sum(Vector512.Load(acc + t * 16));
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>acc[t·16 ..] += Σ_{oh, ow} dy[oh, ow] · staged[oh·SH + kh, ow·SW + kw] for taps t = kh·KW + kw, lanes
    /// holding ow mod 16.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate(float* dy, float* staged, nint columns, in ConvGeometry g, float* acc)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        int ow = g.OW, kh = g.KH, kw = g.KW, sw = g.StrideW;
        for (int r = 0; r < g.OH; r++)
        {
            float* d = dy + (nint)r * ow;
            float* rows = staged + (nint)r * g.StrideH * columns;
            for (int j = 0; j < ow; j += 16)
            {
                var dv = j + 16 <= ow ? Vector512.Load(d + j)
                    : Avx512F.MaskLoad(d + j, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(ow - j))
                        .AsSingle(), Vector512<float>.Zero);
                float* a = acc;
                for (int i = 0; i < kh; i++)
                {
                    float* s = rows + i * columns + sw * j;
                    for (int t = 0; t < kw; t++)
                    {
                        var v = sw == 1 ? Vector512.Load(s + t)
                            : Avx512F.PermuteVar16x32x2(Vector512.Load(s + t), even, Vector512.Load(s + t + 16));
                        Vector512.Store(Vector512.FusedMultiplyAdd(dv, v, Vector512.Load(a)), a);
                        a += 16;
                    }
                }
            }
        }
    }
}
