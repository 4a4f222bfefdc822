using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Resizes each image to a fixed height and width (Keras <c>Resizing</c>): [N, C, H, W] → [N, C, height, width], with
/// <see cref="Interpolation.Bilinear"/> (the default: half-pixel centres, input coordinate (o + ½)·H/height − ½
/// clamped to the image, equal to PyTorch's <c>F.interpolate(x, size=(height, width), mode='bilinear',
/// align_corners=False)</c>) or <see cref="Interpolation.Nearest"/> (PyTorch's <c>mode='nearest'</c>: input index
/// ⌊o·H/height⌋). Unlike <see cref="UpSampling2D"/> the scale need not be an integer, and may shrink. Segmentation
/// heads use it to bring logits back to the input size.
/// </summary>
[RegisterLayer]
public sealed class Resizing : Layer
{
    /// <summary>Resizes to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public Resizing(int height, int width, Interpolation interpolation = Interpolation.Bilinear, string? name = null)
        : base(name)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(height),
                $"Resizing: height and width must be positive, received {height} × {width}");
        if (!Enum.IsDefined(interpolation))
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Resizing: interpolation");
        (Height, Width, Interpolation) = (height, width, interpolation);
    }

    /// <summary>The output height.</summary>
    public int Height { get; }

    /// <summary>The output width.</summary>
    public int Width { get; }

    /// <summary>Bilinear (default) or nearest.</summary>
    public Interpolation Interpolation { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank == 4
        ? new Shape(inputShape[0], inputShape[1], Height, Width)
        : throw ShapeError("[N, C, H, W]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        int[] sizes = [x.Shape[0], x.Shape[1], Height, Width];
        return Interpolation == Interpolation.Nearest
            ? Functional.Resize(x, sizes, ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.Floor)
            : Functional.Resize(x, sizes, ResizeMode.Linear, ResizeCoordinates.HalfPixel);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["height"] = Height;
        c["width"] = Width;
        c["interpolation"] = Interpolation == Interpolation.Nearest ? "nearest" : "bilinear";
        return c;
    }

    /// <summary>The layer a <see cref="GetConfig"/> describes.</summary>
    public static Resizing FromConfig(JsonObject c)
    {
        var interpolation = LayerConfig.Read(c, "interpolation", "bilinear") switch
        {
            "nearest" => Interpolation.Nearest,
            "bilinear" => Interpolation.Bilinear,
            var other => throw new FoveaException($"Resizing: interpolation '{other}' is not supported; " +
                "expected 'nearest' or 'bilinear'"),
        };
        return LayerConfig.Common(new Resizing(c["height"]!.GetValue<int>(), c["width"]!.GetValue<int>(),
            interpolation, LayerConfig.Name(c)), c);
    }
}
