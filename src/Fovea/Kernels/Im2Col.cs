using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// Unfolds one image's group of channels into columns and folds them back.
/// im2col: col[(c·KH + kh)·KW + kw, oh·OW + ow] = x[c, oh·SH − padTop + kh·DH, ow·SW − padLeft + kw·DW] (0 outside).
/// col2im: the adjoint, x[...] += col[...]. x points at channel 0 of the group ([Cg, H, W]); col is [K, P].
/// Reference twin: <see cref="Reference.ReferenceConv2D"/> (the convolution computed directly).
/// </summary>
internal static unsafe class Im2Col
{
    public static void Unfold(float* x, float* col, in ConvGeometry g) => Unfold(x, col, g, 0, g.OH);

    /// <summary>The columns of output rows [oh0, oh1) only: col is [K, (oh1 − oh0)·OW].</summary>
    public static void Unfold(float* x, float* col, in ConvGeometry g, int oh0, int oh1) =>
        Unfold(x, col, g, oh0, oh1, 0, g.Cg);

    /// <summary>As above for input channels [c0, c1) only: their KH·KW rows each of col.</summary>
    public static void Unfold(float* x, float* col, in ConvGeometry g, int oh0, int oh1, int c0, int c1)
    {
        int oh = oh1 - oh0, ow = g.OW, h = g.H, w = g.W;
        // Stride 1 with rows as wide as the input ('same' width): each col row is the plane shifted as a whole.
        bool plane = g.StrideH == 1 && g.StrideW == 1 && ow == w && w < ShiftedMaxWidth;
        for (int c = c0; c < c1; c++)
        {
            float* xc = x + (long)c * h * w;
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++)
                {
                    float* row = col + (long)((c * g.KH + kh) * g.KW + kw) * oh * ow;
                    int colOffset = kw * g.DilationW - g.PadLeft;
                    ValidRange(ow, w, g.StrideW, colOffset, out int owLo, out int owHi);
                    if (plane)
                    {
                        Shifted(xc, row, h, w, oh, kh * g.DilationH - g.PadTop + oh0, colOffset, owLo, owHi);
                        continue;
                    }
                    for (int y = 0; y < oh; y++)
                    {
                        float* dst = row + y * ow;
                        int ih = (oh0 + y) * g.StrideH - g.PadTop + kh * g.DilationH;
                        if ((uint)ih >= (uint)h)
                        {
                            new Span<float>(dst, ow).Clear();
                            continue;
                        }
                        float* src = xc + ih * w + colOffset;
                        if (owLo > 0)
                            new Span<float>(dst, owLo).Clear();
                        if (g.StrideW == 1)
                        {
                            if (owHi > owLo)
                            {
                                int count = owHi - owLo;
                                new ReadOnlySpan<float>(src + owLo, count).CopyTo(new Span<float>(dst + owLo, count));
                            }
                        }
                        else if (g.StrideW == 2)
                        {
                            Stride2(src, dst, owLo, owHi, w - colOffset);
                        }
                        else
                        {
                            for (int xo = owLo; xo < owHi; xo++)
                                dst[xo] = src[xo * g.StrideW];
                        }
                        if (owHi < ow)
                            new Span<float>(dst + Math.Max(owHi, owLo), ow - Math.Max(owHi, owLo)).Clear();
                    }
                }
            }
        }
    }

    /// <summary>Widest rows <see cref="Shifted"/> takes; wider ones copy row by row at full speed anyway.</summary>
    private const int ShiftedMaxWidth = 32;

    /// <summary>
    /// One col row of a stride-1 convolution whose output rows are as wide as the input's (w = OW): output (y, xo) reads
    /// input (y + shift, xo + offset), so with both planes stored row after row the valid rows are one contiguous copy
    /// shifted by shift·w + offset, after which the |offset| columns per row that wrapped into the neighbouring row are
    /// zeroed ([0, lo) and [hi, w)), as are the rows outside the input. Row by row, a 7-wide plane (ResNet's last stage)
    /// costs 7 small copies and clears per col row; this is one copy.
    /// </summary>
    private static void Shifted(float* xc, float* row, int h, int w, int oh, int shift, int offset, int lo, int hi)
    {
        int y0 = Math.Clamp(-shift, 0, oh), y1 = Math.Clamp(h - shift, y0, oh);
        if (y0 > 0)
            new Span<float>(row, y0 * w).Clear();
        if (y1 < oh)
            new Span<float>(row + y1 * w, (oh - y1) * w).Clear();
        if (y1 == y0)
            return;
        if (hi <= lo)
        {
            new Span<float>(row + y0 * w, (y1 - y0) * w).Clear();
            return;
        }
        long delta = (long)shift * w + offset;                   // source index − destination index
        long from = Math.Max(0, y0 * w + delta), to = Math.Min((long)h * w, y1 * w + delta);
        new ReadOnlySpan<float>(xc + from, (int)(to - from)).CopyTo(new Span<float>(row + (from - delta), (int)(to - from)));
        for (int y = y0; y < y1; y++)
        {
            float* r = row + y * w;
            for (int xo = 0; xo < lo; xo++)
                r[xo] = 0f;
            for (int xo = hi; xo < w; xo++)
                r[xo] = 0f;
        }
    }

    /// <summary>dst[xo] = src[2·xo] for xo in [lo, hi), reading src only below <paramref name="limit"/>: 16 at a time
    /// from two vectors (the even lanes of 32 inputs) while whole vectors fit, then 8 from one, then one by one.</summary>
    private static void Stride2(float* src, float* dst, int lo, int hi, int limit)
    {
        int xo = lo;
        if (Avx512F.IsSupported)
        {
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; xo + 16 <= hi && 2 * xo + 32 <= limit; xo += 16)
            {
                var a = Vector512.Load(src + 2 * xo);
                var b = Vector512.Load(src + 2 * xo + 16);
                Avx512F.PermuteVar16x32x2(a, even, b).Store(dst + xo);
            }
            if (xo + 8 <= hi && 2 * xo + 16 <= limit)
            {
                Avx512F.PermuteVar16x32(Vector512.Load(src + 2 * xo), even).GetLower().Store(dst + xo);
                xo += 8;
            }
        }
        for (; xo < hi; xo++)
            dst[xo] = src[2 * xo];
    }

    /// <summary>x += col2im(col). x must be initialised by the caller.</summary>
    public static void Fold(float* col, float* x, in ConvGeometry g)
    {
        int oh = g.OH, ow = g.OW, h = g.H, w = g.W;
        for (int c = 0; c < g.Cg; c++)
        {
            float* xc = x + (long)c * h * w;
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++)
                {
                    float* row = col + (long)((c * g.KH + kh) * g.KW + kw) * oh * ow;
                    int colOffset = kw * g.DilationW - g.PadLeft;
                    ValidRange(ow, w, g.StrideW, colOffset, out int owLo, out int owHi);
                    for (int y = 0; y < oh; y++)
                    {
                        int ih = y * g.StrideH - g.PadTop + kh * g.DilationH;
                        if ((uint)ih >= (uint)h)
                            continue;
                        float* src = row + y * ow;
                        float* dst = xc + ih * w + colOffset;
                        if (g.StrideW == 1)
                        {
                            for (int xo = owLo; xo < owHi; xo++)
                                dst[xo] += src[xo];
                        }
                        else
                        {
                            for (int xo = owLo; xo < owHi; xo++)
                                dst[xo * g.StrideW] += src[xo];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output columns [lo, hi) whose input column xo·stride + offset lies inside [0, width).</summary>
    private static void ValidRange(int outWidth, int width, int stride, int offset, out int lo, out int hi)
    {
        // xo·stride + offset >= 0  ⇔  xo >= ceil(−offset / stride)
        lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        // xo·stride + offset <= width − 1  ⇔  xo <= floor((width − 1 − offset) / stride)
        int last = width - 1 - offset;
        hi = last < 0 ? 0 : Math.Min(outWidth, last / stride + 1);
        lo = Math.Min(lo, outWidth);
        if (hi < lo)
            hi = lo;
    }
}
