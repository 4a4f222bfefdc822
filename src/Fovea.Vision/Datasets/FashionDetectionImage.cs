using Fovea.Tensors;
using Fovea.Vision.Detection;

namespace Fovea.Vision.Datasets;

/// <summary>One generated image: RGB pixels, its objects, and per-pixel class and instance masks.</summary>
public sealed class FashionDetectionImage
{
    internal FashionDetectionImage(float[] pixels, int height, int width, IReadOnlyList<FashionDetectionObject> objects,
        byte[] classMask, int[] instanceMask)
    {
        Pixels = pixels;
        Height = height;
        Width = width;
        Objects = objects;
        ClassMask = classMask;
        InstanceMask = instanceMask;
    }

    /// <summary>RGB values in [0, 1], [3, H, W] row-major.</summary>
    public IReadOnlyList<float> Pixels { get; }

    /// <summary>Canvas height.</summary>
    public int Height { get; }

    /// <summary>Canvas width.</summary>
    public int Width { get; }

    /// <summary>The objects, in drawing order (later ones on top).</summary>
    public IReadOnlyList<FashionDetectionObject> Objects { get; }

    /// <summary>Per pixel (row-major H×W): 0 for background, else the class index + 1 of the object seen there.
    /// </summary>
    public IReadOnlyList<byte> ClassMask { get; }

    /// <summary>Per pixel: 0 for background, else the index + 1 in <see cref="Objects"/> of the object seen there.
    /// </summary>
    public IReadOnlyList<int> InstanceMask { get; }

    /// <summary>As a detection sample: image [3, H, W], boxes (x1, y1, x2, y2), labels = class indices.</summary>
    public DetectionSample ToSample() => DetectionSample.Create(
        Tensor.FromArray([.. Pixels], [3, Height, Width]),
        [.. Objects.Select(o => ((float)o.Box.X, (float)o.Box.Y, (float)(o.Box.X + o.Box.Width),
            (float)(o.Box.Y + o.Box.Height)))],
        [.. Objects.Select(o => o.ClassIndex)]);
}
