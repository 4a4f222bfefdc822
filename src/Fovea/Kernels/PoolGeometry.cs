namespace Fovea.Kernels;

/// <summary>
/// Shapes of a 2-D pooling window over [N, C, H, W]: window KH×KW, stride SH×SW, padding (top, left, bottom, right).
/// OH = floor((H + padTop + padBottom − KH) / SH) + 1, likewise OW. Padded cells never win a max and are not
/// counted in an average (Keras/TensorFlow behaviour; PyTorch's count_include_pad=False).
/// </summary>
internal readonly record struct PoolGeometry
{
    public PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
        int padTop, int padLeft, int padBottom, int padRight)
    {
        if (kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0)
            throw new ArgumentException($"pool size {kh}×{kw} and strides {strideH}×{strideW} must be positive");
        if (padTop >= kh || padBottom >= kh || padLeft >= kw || padRight >= kw)
            throw new ArgumentException($"pooling padding must be smaller than the window {kh}×{kw}");
        if (h + padTop + padBottom < kh || w + padLeft + padRight < kw)
            throw new ArgumentException($"a {kh}×{kw} pooling window does not fit the {h}×{w} input");
        N = n; C = c; H = h; W = w; KH = kh; KW = kw; StrideH = strideH; StrideW = strideW;
        PadTop = padTop; PadLeft = padLeft; PadBottom = padBottom; PadRight = padRight;
        OH = (h + padTop + padBottom - kh) / strideH + 1;
        OW = (w + padLeft + padRight - kw) / strideW + 1;
    }

    public int N { get; }
    public int C { get; }
    public int H { get; }
    public int W { get; }
    public int KH { get; }
    public int KW { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public int PadTop { get; }
    public int PadLeft { get; }
    public int PadBottom { get; }
    public int PadRight { get; }
    public int OH { get; }
    public int OW { get; }

    /// <summary>Rows [h0, h1) and columns [w0, w1) of the input window of output (oh, ow), padding excluded.</summary>
    public (int H0, int H1, int W0, int W1) Window(int oh, int ow)
    {
        int h0 = oh * StrideH - PadTop, w0 = ow * StrideW - PadLeft;
        return (Math.Max(h0, 0), Math.Min(h0 + KH, H), Math.Max(w0, 0), Math.Min(w0 + KW, W));
    }
}
