namespace Fovea.Kernels;

/// <summary>
/// Shapes and settings of one RoIAlign call: features [N, C, H, W], RoIs [K, 5] (batch index, x1, y1, x2, y2 in
/// image coordinates), output [K, C, PH, PW]. <see cref="SpatialScale"/> maps image coordinates to feature cells;
/// <see cref="SamplingRatio"/> &gt; 0 fixes the sample grid per bin, otherwise ⌈roi size / bins⌉ per axis;
/// <see cref="Aligned"/> shifts the box by −0.5 cell (pixel centres) and lets RoIs be smaller than one cell.
/// </summary>
internal readonly record struct RoiAlignGeometry(int N, int C, int H, int W, int K, int PH, int PW,
    float SpatialScale, int SamplingRatio, bool Aligned)
{
    /// <summary>Elements of the output: K·C·PH·PW.</summary>
    public int OutputLength => K * C * PH * PW;

    /// <summary>
    /// The box of RoI <paramref name="k"/> in feature cells and its bin and sample-grid sizes, computed in float32
    /// as torchvision does.
    /// </summary>
    public RoiBox Box(ReadOnlySpan<float> rois, int k)
    {
        float offset = Aligned ? 0.5f : 0f;
        float x1 = rois[5 * k + 1] * SpatialScale - offset;
        float y1 = rois[5 * k + 2] * SpatialScale - offset;
        float x2 = rois[5 * k + 3] * SpatialScale - offset;
        float y2 = rois[5 * k + 4] * SpatialScale - offset;
        float w = x2 - x1, h = y2 - y1;
        if (!Aligned)
        {
            w = MathF.Max(w, 1f);
            h = MathF.Max(h, 1f);
        }
        float binH = h / PH, binW = w / PW;
        int gridH = SamplingRatio > 0 ? SamplingRatio : (int)MathF.Ceiling(h / PH);
        int gridW = SamplingRatio > 0 ? SamplingRatio : (int)MathF.Ceiling(w / PW);
        return new RoiBox((int)rois[5 * k], x1, y1, binH, binW, gridH, gridW);
    }
}

/// <summary>One RoI in feature cells: its image, top-left corner, bin size and samples per bin (per axis).</summary>
internal readonly record struct RoiBox(int Batch, float X1, float Y1, float BinH, float BinW, int GridH, int GridW)
{
    /// <summary>Samples averaged per bin (at least 1, so an empty grid gives 0).</summary>
    public float Count => Math.Max(GridH * GridW, 1);

    /// <summary>Sample row iy of bin row ph (float32, torchvision's order of operations).</summary>
    public float SampleY(int ph, int iy) => Y1 + ph * BinH + (iy + 0.5f) * BinH / GridH;

    /// <summary>Sample column ix of bin column pw.</summary>
    public float SampleX(int pw, int ix) => X1 + pw * BinW + (ix + 0.5f) * BinW / GridW;
}
