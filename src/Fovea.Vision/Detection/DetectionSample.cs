using Fovea.Tensors;

namespace Fovea.Vision.Detection;

/// <summary>One image with its objects, as a detector takes it in training (torchvision's image + target):
/// the image [C, H, W] float, the boxes [N, 4] as (x1, y1, x2, y2) in pixels, and one label per box.</summary>
public sealed class DetectionSample
{
    /// <summary>Checks the shapes and keeps the tensors (not copied).</summary>
    /// <param name="image">[C, H, W] float image.</param>
    /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2) in pixels; N may be 0 (shape [0, 4]).</param>
    /// <param name="labels">N class labels.</param>
    /// <exception cref="FoveaException">A shape is wrong or the counts differ.</exception>
    public DetectionSample(Tensor image, Tensor boxes, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(labels);
        if (image.Shape.Rank != 3)
            throw new FoveaException($"DetectionSample: image has shape {image.Shape}; expected [C, H, W]");
        if (boxes.Shape.Rank != 2 || boxes.Shape[1] != 4)
            throw new FoveaException($"DetectionSample: boxes have shape {boxes.Shape}; expected [N, 4] " +
                "(x1, y1, x2, y2)");
        if (boxes.Shape[0] != labels.Count)
            throw new FoveaException($"DetectionSample: {boxes.Shape[0]} boxes but {labels.Count} labels; expected " +
                "one label per box");
        Image = image;
        Boxes = boxes;
        Labels = labels;
    }

    /// <summary>The image, [C, H, W].</summary>
    public Tensor Image { get; }

    /// <summary>The boxes, [N, 4] (x1, y1, x2, y2) in pixels.</summary>
    public Tensor Boxes { get; }

    /// <summary>One class label per box.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Number of objects N.</summary>
    public int Count => Labels.Count;

    /// <summary>Image height H.</summary>
    public int Height => Image.Shape[1];

    /// <summary>Image width W.</summary>
    public int Width => Image.Shape[2];

    /// <summary>Builds a sample from boxes given as (x1, y1, x2, y2) tuples.</summary>
    public static DetectionSample Create(Tensor image, IReadOnlyList<(float X1, float Y1, float X2, float Y2)> boxes,
        IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var data = new float[boxes.Count * 4];
        for (int i = 0; i < boxes.Count; i++)
            (data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]) = boxes[i];
        return new DetectionSample(image, Tensor.FromArray(data, [boxes.Count, 4]), labels);
    }

    /// <summary>Box i as (x1, y1, x2, y2).</summary>
    public (float X1, float Y1, float X2, float Y2) Box(int i)
    {
        var b = Boxes.AsReadOnlySpan().Slice(4 * i, 4);
        return (b[0], b[1], b[2], b[3]);
    }
}
