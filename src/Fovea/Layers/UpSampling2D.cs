using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Enlarges each image by integer factors (Keras <c>UpSampling2D</c>): [N, C, H, W] → [N, C, H·sh, W·sw], with
/// <see cref="Interpolation.Nearest"/> (repetition, the default) or <see cref="Interpolation.Bilinear"/>
/// (TensorFlow's resize with half-pixel centres, equal to PyTorch's
/// <c>F.interpolate(mode='bilinear', align_corners=False)</c>). Keras default size: 2.
/// </summary>
[RegisterLayer]
public sealed class UpSampling2D : Layer
{
    public UpSampling2D(Size2? size = null, Interpolation interpolation = Interpolation.Nearest, string? name = null)
        : base(name)
    {
        Size = size ?? 2;
        if (!Size.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(size),
                $"UpSampling2D: size must be positive, received {Size}");
        if (!Enum.IsDefined(interpolation))
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "UpSampling2D: interpolation");
        Interpolation = interpolation;
    }

    /// <summary>The factors (height, width).</summary>
    public Size2 Size { get; }

    /// <summary>Nearest (default) or bilinear.</summary>
    public Interpolation Interpolation { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank == 4
        ? new Shape(inputShape[0], inputShape[1], inputShape[2] * Size.Height, inputShape[3] * Size.Width)
        : throw ShapeError("[N, C, H, W]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        int[] sizes = [x.Shape[0], x.Shape[1], x.Shape[2] * Size.Height, x.Shape[3] * Size.Width];
        float[] scales = [1f, 1f, Size.Height, Size.Width];
        return Interpolation == Interpolation.Nearest
            ? Functional.Resize(x, sizes, ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.Floor,
                scales)
            : Functional.Resize(x, sizes, ResizeMode.Linear, ResizeCoordinates.HalfPixel, scales: scales);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["size"] = LayerConfig.Pair(Size);
        c["interpolation"] = Interpolation == Interpolation.Nearest ? "nearest" : "bilinear";
        return c;
    }

    public static UpSampling2D FromConfig(JsonObject c)
    {
        var interpolation = LayerConfig.Read(c, "interpolation", "nearest") switch
        {
            "nearest" => Interpolation.Nearest,
            "bilinear" => Interpolation.Bilinear,
            var other => throw new FoveaException($"UpSampling2D: interpolation '{other}' is not supported; " +
                "expected 'nearest' or 'bilinear'"),
        };
        return LayerConfig.Common(new UpSampling2D(LayerConfig.ReadPair(c["size"], 2), interpolation,
            LayerConfig.Name(c)), c);
    }
}
