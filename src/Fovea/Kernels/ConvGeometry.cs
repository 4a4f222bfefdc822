namespace Fovea.Kernels;

/// <summary>
/// Shapes of a 2-D convolution, validated once. Legend: N batch, C input channels, H×W input, OC output channels,
/// KH×KW kernel, G groups (Cg = C/G input and OCg = OC/G output channels per group), stride S, dilation D,
/// padding top/left/bottom/right.
/// OH = floor((H + padTop + padBottom − DH·(KH−1) − 1) / SH) + 1, and likewise OW.
/// Weights are [OC, Cg, KH, KW]; im2col columns of one image and group are [K = Cg·KH·KW, P = OH·OW].
/// </summary>
internal readonly record struct ConvGeometry
{
    public ConvGeometry(int n, int c, int h, int w, int oc, int kh, int kw, int strideH, int strideW,
        int padTop, int padLeft, int padBottom, int padRight, int dilationH, int dilationW, int groups)
    {
        if (n < 0 || c <= 0 || h <= 0 || w <= 0 || oc <= 0 || kh <= 0 || kw <= 0)
            throw new ArgumentException($"convolution sizes must be positive: input [{n}, {c}, {h}, {w}], {oc} filters of {kh}×{kw}");
        if (strideH <= 0 || strideW <= 0 || dilationH <= 0 || dilationW <= 0)
            throw new ArgumentException($"strides ({strideH}, {strideW}) and dilations ({dilationH}, {dilationW}) must be positive");
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0)
            throw new ArgumentException("paddings must be >= 0");
        if (groups <= 0 || c % groups != 0 || oc % groups != 0)
            throw new ArgumentException($"groups={groups} must divide both input channels ({c}) and filters ({oc})");
        N = n; C = c; H = h; W = w; OC = oc; KH = kh; KW = kw;
        StrideH = strideH; StrideW = strideW; DilationH = dilationH; DilationW = dilationW;
        PadTop = padTop; PadLeft = padLeft; PadBottom = padBottom; PadRight = padRight;
        Groups = groups;
        OH = (h + padTop + padBottom - dilationH * (kh - 1) - 1) / strideH + 1;
        OW = (w + padLeft + padRight - dilationW * (kw - 1) - 1) / strideW + 1;
        if (h + padTop + padBottom - dilationH * (kh - 1) - 1 < 0 || w + padLeft + padRight - dilationW * (kw - 1) - 1 < 0)
            throw new ArgumentException(
                $"a {kh}×{kw} kernel (dilation {dilationH}×{dilationW}) does not fit the padded {h}×{w} input");
    }

    public int N { get; init; }
    public int C { get; }
    public int H { get; }
    public int W { get; }
    public int OC { get; }
    public int KH { get; }
    public int KW { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public int PadTop { get; }
    public int PadLeft { get; }
    public int PadBottom { get; }
    public int PadRight { get; }
    public int DilationH { get; }
    public int DilationW { get; }
    public int Groups { get; }
    public int OH { get; }
    public int OW { get; }

    public int Cg => C / Groups;
    public int OCg => OC / Groups;

    /// <summary>Rows of an im2col matrix: Cg·KH·KW.</summary>
    public int K => Cg * KH * KW;

    /// <summary>Output pixels per channel: OH·OW.</summary>
    public int P => OH * OW;

    public int InputImage => C * H * W;
    public int OutputImage => OC * OH * OW;
    public int WeightLength => OC * K;

    /// <summary>A 1×1 kernel, stride 1, no padding: the input already is its im2col matrix.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && StrideH == 1 && StrideW == 1 &&
        PadTop == 0 && PadLeft == 0 && PadBottom == 0 && PadRight == 0;

    /// <summary>
    /// Padding that keeps OH = ceil(H / stride) (Keras/TensorFlow "same"; the extra pixel goes bottom/right).
    /// </summary>
    public static (int Before, int After) SamePadding(int size, int kernel, int stride, int dilation)
    {
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
        return (total / 2, total - total / 2);
    }
}
