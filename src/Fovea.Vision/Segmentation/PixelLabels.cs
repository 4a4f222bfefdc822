using Fovea.Tensors;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Class-index targets of a segmentation batch as constant tensors for the losses: the one-hot map [N, C, H, W]
/// (zero at ignored pixels), the kept-pixel mask [N, 1, H, W] and the class of each pixel. Targets are [N, H, W] or
/// [N, 1, H, W] holding class indices as floats (Fovea's loss convention), each an integer in [0, C) or the ignore
/// index.
/// </summary>
internal sealed class PixelLabels
{
    private PixelLabels(Tensor oneHot, Tensor kept, int[] classOf, int keptCount)
    {
        (OneHot, Kept, ClassOf, KeptCount) = (oneHot, kept, classOf, keptCount);
    }

    /// <summary>One-hot targets [N, C, H, W]; all zero at ignored pixels.</summary>
    public Tensor OneHot { get; }

    /// <summary>1 at kept pixels, 0 at ignored ones: [N, 1, H, W].</summary>
    public Tensor Kept { get; }

    /// <summary>The class of each pixel (N·H·W, row-major), −1 where ignored.</summary>
    public int[] ClassOf { get; }

    /// <summary>How many pixels are kept.</summary>
    public int KeptCount { get; }

    /// <summary>Checks <paramref name="logits"/> [N, C, H, W] against <paramref name="target"/> and builds the
    /// constants.</summary>
    /// <exception cref="FoveaException">Shapes that do not match, or a label that is neither a class nor ignored.
    /// </exception>
    public static PixelLabels From(string loss, Tensor logits, Tensor target, int ignoreIndex)
    {
        if (logits.Rank != 4)
            throw new FoveaException($"{loss}: expected logits [N, C, H, W], received {logits.Shape}");
        var (n, c, h, w) = (logits.Shape[0], logits.Shape[1], logits.Shape[2], logits.Shape[3]);
        bool matches = target.Rank == 3 && target.Shape == new Shape(n, h, w)
            || target.Rank == 4 && target.Shape == new Shape(n, 1, h, w);
        if (!matches)
            throw new FoveaException($"{loss}: expected targets [{n}, {h}, {w}] (class indices) for logits " +
                $"{logits.Shape}, received {target.Shape}");
        var labels = target.AsReadOnlySpan();
        int plane = h * w;
        var oneHot = new float[n * c * plane];
        var kept = new float[n * plane];
        var classOf = new int[n * plane];
        int count = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            float v = labels[i];
            int label = (int)v;
            if (label == ignoreIndex && v == label)
            {
                classOf[i] = -1;
                continue;
            }
            if (v != label || label < 0 || label >= c)
                throw new FoveaException($"{loss}: target {i} is {v}; expected a class index in [0, {c}) or the " +
                    $"ignore index {ignoreIndex}");
            int b = i / plane;
            oneHot[(b * c + label) * plane + i % plane] = 1f;
            kept[i] = 1f;
            classOf[i] = label;
            count++;
        }
        return new PixelLabels(Tensor.Wrap(oneHot, logits.Shape), Tensor.Wrap(kept, new Shape(n, 1, h, w)), classOf,
            count);
    }

    /// <summary>Checks <paramref name="classWeights"/> (one positive weight per class, or null).</summary>
    public static float[]? CheckWeights(string loss, float[]? classWeights)
    {
        if (classWeights is null)
            return null;
        if (classWeights.Length == 0 || classWeights.Any(v => !(v >= 0) || float.IsInfinity(v)))
            throw new ArgumentException($"{loss}: class weights must be finite and non-negative, received " +
                $"[{string.Join(", ", classWeights)}]", nameof(classWeights));
        return (float[])classWeights.Clone();
    }

    /// <summary>A constant [N, 1, H, W] holding <paramref name="perClass"/> of each kept pixel's class, 0 where
    /// ignored, divided by <paramref name="divisor"/>.</summary>
    public Tensor PerPixel(Shape keptShape, Func<int, float> perClass, double divisor)
    {
        var values = new float[ClassOf.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = ClassOf[i] < 0 ? 0f : (float)(perClass(ClassOf[i]) / divisor);
        return Tensor.Wrap(values, keptShape);
    }

    /// <summary>Σ over kept pixels of <paramref name="perClass"/>(class).</summary>
    public double SumOverKept(Func<int, float> perClass)
    {
        double total = 0;
        foreach (int k in ClassOf)
        {
            if (k >= 0)
                total += perClass(k);
        }
        return total;
    }

    /// <summary>Checks that the number of classes of the weights matches the logits'.</summary>
    public static void CheckClasses(string loss, float[]? classWeights, Tensor logits)
    {
        if (classWeights is not null && classWeights.Length != logits.Shape[1])
            throw new FoveaException($"{loss}: {classWeights.Length} class weights for logits {logits.Shape} " +
                $"({logits.Shape[1]} classes)");
    }
}
