using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Ops;

/// <summary>
/// RoIAlign over a feature pyramid as torchvision's <c>MultiScaleRoIAlign</c>: each level's scale is inferred as
/// 2^round(log2(feature height / largest image height)); a box of area A goes to level
/// k = clamp(⌊k0 + log2(√A / s0) + eps⌋, k_min, k_max) (FPN paper, eq. 1; s0 = <see cref="CanonicalScale"/>,
/// k0 = <see cref="CanonicalLevel"/>, eps = 1e-6, k_min and k_max from the first and last level's scales) and is
/// pooled there with <see cref="Fovea.Autograd.Functional.RoiAlign"/> (aligned = false). Unlike torchvision, which
/// caches the scales of its first call, the scales are inferred on every call. Differentiable in the features.
/// </summary>
/// <param name="outputSize">Bins per RoI (height, width).</param>
/// <param name="samplingRatio">Samples per bin and axis, or ≤ 0 for adaptive (⌈roi size / bins⌉).</param>
/// <param name="canonicalScale">s0 of the level mapper.</param>
/// <param name="canonicalLevel">k0 of the level mapper.</param>
public sealed class MultiScaleRoiAlign(Size2 outputSize, int samplingRatio, int canonicalScale = 224,
    int canonicalLevel = 4)
{
    private const float Eps = 1e-6f;

    /// <summary>Bins per RoI.</summary>
    public Size2 OutputSize { get; } = outputSize.IsPositive ? outputSize
        : throw new FoveaException($"MultiScaleRoiAlign: output size must be positive, received {outputSize}");

    /// <summary>Samples per bin and axis (≤ 0: adaptive).</summary>
    public int SamplingRatio { get; } = samplingRatio;

    /// <summary>s0: the box size that maps to <see cref="CanonicalLevel"/>.</summary>
    public int CanonicalScale { get; } = canonicalScale;

    /// <summary>k0: the level of a box of size <see cref="CanonicalScale"/>.</summary>
    public int CanonicalLevel { get; } = canonicalLevel;

    /// <summary>Each level's scale (feature size / image size), as torchvision infers it.</summary>
    public static float[] InferScales(IReadOnlyList<Tensor> features, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        if (imageSizes.Count == 0)
            throw new FoveaException("MultiScaleRoiAlign: expected at least one image size, received none");
        int maxH = imageSizes.Max(s => s.Height);
        return features.Select(f =>
        {
            float approx = (float)((double)f.Shape[2] / maxH);
            return MathF.Pow(2f, MathF.Round(MathF.Log2(approx), MidpointRounding.ToEven));
        }).ToArray();
    }

    /// <summary>
    /// The level index (0 = first feature map) of each box for levels of the given scales.
    /// Shape: boxes [K, 4] (x1, y1, x2, y2, image pixels) → K level indices.
    /// </summary>
    public int[] MapLevels(Tensor boxes, IReadOnlyList<float> scales)
    {
        int kMin = (int)-MathF.Log2(scales[0]), kMax = (int)-MathF.Log2(scales[^1]);
        var b = boxes.AsReadOnlySpan();
        var levels = new int[boxes.Shape[0]];
        for (int i = 0; i < levels.Length; i++)
        {
            float s = MathF.Sqrt((b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]));
            float k = MathF.Floor(CanonicalLevel + MathF.Log2(s / CanonicalScale) + Eps);
            levels[i] = (int)Math.Clamp(k, kMin, kMax) - kMin;
        }
        return levels;
    }

    /// <summary>
    /// Pools the boxes of every image from the pyramid <paramref name="features"/> (finest first).
    /// Shape: features [N, C, H_l, W_l] per level; boxes [K_i, 4] per image (image pixels); imageSizes the images'
    /// sizes before the backbone → [Σ K_i, C, OutputSize.Height, OutputSize.Width], images in order.
    /// </summary>
    public Tensor Call(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> boxes,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        if (features.Count == 0)
            throw new FoveaException("MultiScaleRoiAlign: expected at least one feature map, received none");
        foreach (var f in features)
        {
            if (f.Rank != 4 || f.Shape[1] != features[0].Shape[1] || f.Shape[0] != features[0].Shape[0])
                throw new FoveaException("MultiScaleRoiAlign: expected feature maps [N, C, H, W] with equal N and C, " +
                    $"received {string.Join(", ", features.Select(t => t.Shape))}");
        }
        if (boxes.Count == 0 || boxes.Count != imageSizes.Count || boxes.Count != features[0].Shape[0])
            throw new FoveaException($"MultiScaleRoiAlign: expected one box tensor and one image size per image " +
                $"({features[0].Shape[0]} in the batch), received {boxes.Count} and {imageSizes.Count}");
        var all = Concat(boxes.Select(b => Check(b)).ToList(), 0).Detach();
        var roiValues = new float[all.Shape[0] * 5];
        int row = 0;
        for (int img = 0; img < boxes.Count; img++)
        {
            var bs = boxes[img].AsReadOnlySpan();
            for (int i = 0; i < boxes[img].Shape[0]; i++, row++)
            {
                roiValues[5 * row] = img;
                bs.Slice(4 * i, 4).CopyTo(roiValues.AsSpan(5 * row + 1));
            }
        }
        var scales = InferScales(features, imageSizes);
        if (features.Count == 1)
            return RoiAlign(features[0], Tensor.Wrap(roiValues, [row, 5]), OutputSize, scales[0], SamplingRatio);
        var levels = MapLevels(all, scales);
        var parts = new List<Tensor>();
        var order = new List<int>();
        for (int l = 0; l < features.Count; l++)
        {
            var members = Enumerable.Range(0, row).Where(i => levels[i] == l).ToArray();
            if (members.Length == 0)
                continue;
            var rois = new float[members.Length * 5];
            for (int m = 0; m < members.Length; m++)
                roiValues.AsSpan(5 * members[m], 5).CopyTo(rois.AsSpan(5 * m));
            parts.Add(RoiAlign(features[l], Tensor.Wrap(rois, [members.Length, 5]), OutputSize, scales[l],
                SamplingRatio));
            order.AddRange(members);
        }
        if (parts.Count == 0)
            return Tensor.Zeros([0, features[0].Shape[1], OutputSize.Height, OutputSize.Width]);
        var pooled = parts.Count == 1 ? parts[0] : Concat(parts, 0);
        var inverse = new int[row];
        for (int i = 0; i < row; i++)
            inverse[order[i]] = i;
        return Gather(pooled, 0, inverse, [row]);
    }

    private static Tensor Check(Tensor b)
    {
        BoxColumns.Check("MultiScaleRoiAlign", b);
        return b;
    }
}
