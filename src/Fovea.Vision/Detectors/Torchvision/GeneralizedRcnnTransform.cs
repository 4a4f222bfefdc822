using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's <c>GeneralizedRCNNTransform</c> in eval mode: each image [3, H, W] is normalised per channel,
/// (x − mean)/std, then resized bilinearly (align_corners = false) by s = min(minSize/min(H, W), maxSize/max(H, W))
/// (computed in float32) to ⌊H·s⌋ × ⌊W·s⌋, and the images are zero-padded at the bottom and right into one batch
/// whose height and width are the largest ones rounded up to a multiple of <see cref="SizeDivisible"/>.
/// <see cref="Postprocess"/> maps boxes back to the original image size.
/// </summary>
/// <param name="minSize">Target length of the shorter side.</param>
/// <param name="maxSize">Longest allowed longer side.</param>
/// <param name="mean">Per-channel mean subtracted.</param>
/// <param name="std">Per-channel standard deviation divided by.</param>
/// <param name="sizeDivisible">The padded batch's height and width are multiples of this.</param>
/// <param name="fixedSize">torchvision's <c>fixed_size</c> (SSD): every image is resized to exactly this size
/// (height, width), ignoring <paramref name="minSize"/> and <paramref name="maxSize"/>.</param>
public sealed class GeneralizedRcnnTransform(int minSize, int maxSize, IReadOnlyList<float> mean,
    IReadOnlyList<float> std, int sizeDivisible = 32, Size2? fixedSize = null)
{
    /// <summary>The fixed size every image is resized to, or null to scale by <see cref="MinSize"/> and
    /// <see cref="MaxSize"/>.</summary>
    public Size2? FixedSize { get; } = fixedSize;

    /// <summary>Target length of the shorter side.</summary>
    public int MinSize { get; } = minSize > 0 ? minSize
        : throw new FoveaException($"GeneralizedRcnnTransform: minSize must be positive, received {minSize}");

    /// <summary>Longest allowed longer side.</summary>
    public int MaxSize { get; } = maxSize > 0 ? maxSize
        : throw new FoveaException($"GeneralizedRcnnTransform: maxSize must be positive, received {maxSize}");

    /// <summary>Per-channel mean.</summary>
    public IReadOnlyList<float> Mean { get; } = mean;

    /// <summary>Per-channel standard deviation.</summary>
    public IReadOnlyList<float> Std { get; } = std;

    /// <summary>The padded batch's sides are multiples of this.</summary>
    public int SizeDivisible { get; } = sizeDivisible;

    /// <summary>
    /// Normalises, resizes and batches <paramref name="images"/> (each [C, H, W], C = the number of means).
    /// Returns the batch [N, C, H_pad, W_pad] and each image's size after resizing (before padding).
    /// </summary>
    public (Tensor Batch, IReadOnlyList<(int Height, int Width)> ImageSizes) Apply(IReadOnlyList<Tensor> images)
    {
        if (images.Count == 0)
            throw new FoveaException("GeneralizedRcnnTransform: expected at least one image, received none");
        var resized = new List<Tensor>();
        foreach (var image in images)
        {
            if (image.Rank != 3 || image.Shape[0] != Mean.Count)
                throw new FoveaException($"GeneralizedRcnnTransform: expected an image [{Mean.Count}, H, W], " +
                    $"received {image.Shape}");
            resized.Add(Resize(Normalize(image)));
        }
        int c = Mean.Count;
        int hMax = resized.Max(t => t.Shape[1]), wMax = resized.Max(t => t.Shape[2]);
        int h = (int)Math.Ceiling((double)hMax / SizeDivisible) * SizeDivisible;
        int w = (int)Math.Ceiling((double)wMax / SizeDivisible) * SizeDivisible;
        var batch = new float[resized.Count * c * h * w];
        for (int n = 0; n < resized.Count; n++)
        {
            var src = resized[n].AsReadOnlySpan();
            int ih = resized[n].Shape[1], iw = resized[n].Shape[2];
            for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < ih; y++)
                src.Slice((ch * ih + y) * iw, iw).CopyTo(batch.AsSpan(((n * c + ch) * h + y) * w, iw));
        }
        return (Tensor.Wrap(batch, [resized.Count, c, h, w]),
            resized.Select(t => (t.Shape[1], t.Shape[2])).ToList());
    }

    /// <summary>The size an image of <paramref name="height"/> × <paramref name="width"/> is resized to.</summary>
    public (int Height, int Width) ResizedSize(int height, int width)
    {
        if (FixedSize is { } f)
            return (f.Height, f.Width);
        float scale = MathF.Min(MinSize / (float)Math.Min(height, width), MaxSize / (float)Math.Max(height, width));
        return ((int)Math.Floor(height * (double)scale), (int)Math.Floor(width * (double)scale));
    }

    /// <summary>
    /// Boxes [K, 4] (x1, y1, x2, y2) on the resized image of <paramref name="resized"/> size mapped to the original
    /// image of <paramref name="original"/> size (torchvision's <c>resize_boxes</c>: ratios in float32).
    /// </summary>
    public static Tensor Postprocess(Tensor boxes, (int Height, int Width) resized, (int Height, int Width) original)
    {
        float rh = original.Height / (float)resized.Height, rw = original.Width / (float)resized.Width;
        var b = boxes.ToArray();
        for (int i = 0; i < b.Length; i += 4)
        {
            b[i] *= rw;
            b[i + 1] *= rh;
            b[i + 2] *= rw;
            b[i + 3] *= rh;
        }
        return Tensor.Wrap(b, boxes.Shape);
    }

    private Tensor Normalize(Tensor image)
    {
        var x = image.ToArray();
        int plane = image.Shape[1] * image.Shape[2];
        for (int ch = 0; ch < Mean.Count; ch++)
        {
            float m = Mean[ch], s = Std[ch];
            for (int i = ch * plane; i < (ch + 1) * plane; i++)
                x[i] = (x[i] - m) / s;
        }
        return Tensor.Wrap(x, image.Shape);
    }

    private Tensor Resize(Tensor image)
    {
        var (h, w) = ResizedSize(image.Shape[1], image.Shape[2]);
        if (h == image.Shape[1] && w == image.Shape[2])
            return image;
        using var _ = GradMode.NoGrad();
        var y = Functional.Resize(Functional.Reshape(image, 1, image.Shape[0], image.Shape[1], image.Shape[2]),
            [1, image.Shape[0], h, w], ResizeMode.Linear, ResizeCoordinates.HalfPixel);
        return Functional.Reshape(y, image.Shape[0], h, w);
    }
}
