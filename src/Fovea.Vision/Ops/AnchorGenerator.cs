using Fovea.Tensors;

namespace Fovea.Vision.Ops;

/// <summary>
/// Anchors of Faster R-CNN and RetinaNet as torchvision's <c>AnchorGenerator</c> makes them. Level l has one anchor
/// per (aspect ratio r, size s) pair, ratio-major: h = s·√r, w = s/√r, centred at the origin and rounded to integers
/// (half to even, float32) — <c>round(±w/2), round(±h/2)</c>. Each is then placed at every cell of the level's grid,
/// shifted by (column·stride_w, row·stride_h) with stride = image size / grid size (integer division), cell-major.
/// </summary>
public sealed class AnchorGenerator
{
    private readonly float[][] _cellAnchors;

    /// <param name="sizes">Per level, the anchor sizes (pixels).</param>
    /// <param name="aspectRatios">Per level, the aspect ratios h/w.</param>
    public AnchorGenerator(IReadOnlyList<IReadOnlyList<float>> sizes, IReadOnlyList<IReadOnlyList<float>> aspectRatios)
    {
        if (sizes.Count == 0 || sizes.Count != aspectRatios.Count)
            throw new FoveaException($"AnchorGenerator: expected one list of aspect ratios per level of sizes, " +
                $"received {sizes.Count} levels of sizes and {aspectRatios.Count} of aspect ratios");
        Sizes = sizes;
        AspectRatios = aspectRatios;
        _cellAnchors = new float[sizes.Count][];
        for (int l = 0; l < sizes.Count; l++)
        {
            var a = new List<float>();
            foreach (float r in aspectRatios[l])
            {
                float hRatio = MathF.Sqrt(r);
                float wRatio = 1f / hRatio;
                foreach (float s in sizes[l])
                {
                    float w = wRatio * s, h = hRatio * s;
                    a.AddRange([Round(-w / 2), Round(-h / 2), Round(w / 2), Round(h / 2)]);
                }
            }
            _cellAnchors[l] = [.. a];
        }
    }

    /// <summary>Per level, the anchor sizes.</summary>
    public IReadOnlyList<IReadOnlyList<float>> Sizes { get; }

    /// <summary>Per level, the aspect ratios.</summary>
    public IReadOnlyList<IReadOnlyList<float>> AspectRatios { get; }

    /// <summary>Anchors per grid cell at each level: sizes × aspect ratios.</summary>
    public IReadOnlyList<int> AnchorsPerLocation => _cellAnchors.Select(a => a.Length / 4).ToList();

    /// <summary>
    /// The anchors of every level for an image batch of <paramref name="imageHeight"/> × <paramref name="imageWidth"/>
    /// (the padded batch size) and feature maps of the given grid sizes, concatenated level by level.
    /// Shape: [Σ_l H_l·W_l·A_l, 4] (x1, y1, x2, y2).
    /// </summary>
    public Tensor Generate(int imageHeight, int imageWidth, IReadOnlyList<(int Height, int Width)> gridSizes)
    {
        if (gridSizes.Count != _cellAnchors.Length)
            throw new FoveaException($"AnchorGenerator: expected {_cellAnchors.Length} feature maps (one per level), " +
                $"received {gridSizes.Count}");
        var all = new List<float>();
        for (int l = 0; l < gridSizes.Count; l++)
        {
            var (gh, gw) = gridSizes[l];
            if (gh <= 0 || gw <= 0)
                throw new FoveaException($"AnchorGenerator: grid {l} is {gh}×{gw}, expected positive sizes");
            int sh = imageHeight / gh, sw = imageWidth / gw;
            var cell = _cellAnchors[l];
            for (int row = 0; row < gh; row++)
            for (int col = 0; col < gw; col++)
            {
                float x = col * sw, y = row * sh;
                for (int a = 0; a < cell.Length; a += 4)
                    all.AddRange([x + cell[a], y + cell[a + 1], x + cell[a + 2], y + cell[a + 3]]);
            }
        }
        return Tensor.Wrap([.. all], [all.Count / 4, 4]);
    }

    private static float Round(float v) => MathF.Round(v, MidpointRounding.ToEven);
}
