using Fovea.Tensors;

namespace Fovea.Vision.Ops;

/// <summary>
/// SSD's default boxes as torchvision's <c>DefaultBoxGenerator</c> makes them. Level k has scale s_k (given, or
/// evenly spaced from <c>minRatio</c> to <c>maxRatio</c> with 1.0 appended) and boxes (s_k, s_k),
/// (s′_k, s′_k) with s′_k = √(s_k·s_{k+1}), then for each aspect ratio a: (s_k·√a, s_k/√a) and (s_k/√a, s_k·√a),
/// sizes relative to the image (clamped to [0, 1] when <c>clip</c>). Centres ((j + 0.5)/f_w, (i + 0.5)/f_h) with
/// f = the grid size, or image size / step when steps are given. Boxes are returned in pixels, cell-major.
/// </summary>
public sealed class DefaultBoxGenerator
{
    private readonly float[][] _whPairs;

    /// <param name="aspectRatios">Per level, the extra aspect ratios (each adds two boxes).</param>
    /// <param name="minRatio">Smallest scale when <paramref name="scales"/> is not given.</param>
    /// <param name="maxRatio">Largest scale when <paramref name="scales"/> is not given.</param>
    /// <param name="scales">Levels + 1 scales (relative to the image), or null to space them evenly.</param>
    /// <param name="steps">Per level, the step in pixels that sets the centre spacing, or null for the grid
    /// size.</param>
    /// <param name="clip">Clamp the relative widths and heights to [0, 1].</param>
    public DefaultBoxGenerator(IReadOnlyList<IReadOnlyList<float>> aspectRatios, double minRatio = 0.15,
        double maxRatio = 0.9, IReadOnlyList<double>? scales = null, IReadOnlyList<int>? steps = null,
        bool clip = true)
    {
        int levels = aspectRatios.Count;
        if (steps is not null && steps.Count != levels)
            throw new FoveaException(
                $"DefaultBoxGenerator: expected {levels} steps (one per level), received {steps.Count}");
        AspectRatios = aspectRatios;
        Steps = steps;
        Clip = clip;
        if (scales is null)
        {
            var s = new List<double>();
            if (levels > 1)
            {
                for (int k = 0; k < levels; k++)
                    s.Add(minRatio + (maxRatio - minRatio) * k / (levels - 1.0));
                s.Add(1.0);
            }
            else
            {
                s.AddRange([minRatio, maxRatio]);
            }
            scales = s;
        }
        if (scales.Count < levels + 1)
            throw new FoveaException($"DefaultBoxGenerator: expected {levels + 1} scales, received {scales.Count}");
        Scales = scales;
        _whPairs = new float[levels][];
        for (int k = 0; k < levels; k++)
        {
            double sk = scales[k], sPrime = Math.Sqrt(scales[k] * scales[k + 1]);
            var pairs = new List<double> { sk, sk, sPrime, sPrime };
            foreach (float ar in aspectRatios[k])
            {
                double sq = Math.Sqrt(ar);
                pairs.AddRange([sk * sq, sk / sq, sk / sq, sk * sq]);
            }
            _whPairs[k] = pairs.Select(v => clip ? Math.Clamp((float)v, 0f, 1f) : (float)v).ToArray();
        }
    }

    /// <summary>Per level, the extra aspect ratios.</summary>
    public IReadOnlyList<IReadOnlyList<float>> AspectRatios { get; }

    /// <summary>The scales (levels + 1 values).</summary>
    public IReadOnlyList<double> Scales { get; }

    /// <summary>Per level, the step in pixels, or null.</summary>
    public IReadOnlyList<int>? Steps { get; }

    /// <summary>Whether relative sizes are clamped to [0, 1].</summary>
    public bool Clip { get; }

    /// <summary>Default boxes per grid cell at each level: 2 + 2·(number of aspect ratios).</summary>
    public IReadOnlyList<int> AnchorsPerLocation => AspectRatios.Select(a => 2 + 2 * a.Count).ToList();

    /// <summary>
    /// The default boxes of every level for an image of <paramref name="imageHeight"/> ×
    /// <paramref name="imageWidth"/> and feature maps of the given grid sizes, concatenated level by level.
    /// Shape: [Σ_k H_k·W_k·(2 + 2·|ratios_k|), 4] (x1, y1, x2, y2) in pixels.
    /// </summary>
    public Tensor Generate(int imageHeight, int imageWidth, IReadOnlyList<(int Height, int Width)> gridSizes)
    {
        if (gridSizes.Count != _whPairs.Length)
            throw new FoveaException($"DefaultBoxGenerator: expected {_whPairs.Length} feature maps (one per level), " +
                $"received {gridSizes.Count}");
        var all = new List<float>();
        for (int k = 0; k < gridSizes.Count; k++)
        {
            var (gh, gw) = gridSizes[k];
            float fx = Steps is null ? gw : (float)((double)imageWidth / Steps[k]);
            float fy = Steps is null ? gh : (float)((double)imageHeight / Steps[k]);
            var wh = _whPairs[k];
            for (int i = 0; i < gh; i++)
            for (int j = 0; j < gw; j++)
            {
                float cx = (j + 0.5f) / fx, cy = (i + 0.5f) / fy;
                for (int p = 0; p < wh.Length; p += 2)
                {
                    all.AddRange([(cx - 0.5f * wh[p]) * imageWidth, (cy - 0.5f * wh[p + 1]) * imageHeight,
                        (cx + 0.5f * wh[p]) * imageWidth, (cy + 0.5f * wh[p + 1]) * imageHeight]);
                }
            }
        }
        return Tensor.Wrap([.. all], [all.Count / 4, 4]);
    }
}
