using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Adds rows and columns of zeros around each image (Keras <c>ZeroPadding2D</c>): [N, C, H, W] →
/// [N, C, H + top + bottom, W + left + right]. The padding is one number for all four sides, (height, width) for
/// symmetric amounts, or ((top, bottom), (left, right)). Keras default: 1 on every side.
/// </summary>
[RegisterLayer]
public sealed class ZeroPadding2D : Layer
{
    /// <summary>The same amount on every side.</summary>
    public ZeroPadding2D(int padding = 1, string? name = null)
        : this(((padding, padding), (padding, padding)), name)
    {
    }

    /// <summary>Height rows above and below, width columns left and right.</summary>
    public ZeroPadding2D((int Height, int Width) padding, string? name = null)
        : this(((padding.Height, padding.Height), (padding.Width, padding.Width)), name)
    {
    }

    /// <summary>((top, bottom), (left, right)).</summary>
    public ZeroPadding2D(((int Top, int Bottom) Height, (int Left, int Right) Width) padding, string? name = null)
        : base(name)
    {
        (Top, Bottom, Left, Right) = (padding.Height.Top, padding.Height.Bottom, padding.Width.Left,
            padding.Width.Right);
        if (Top < 0 || Bottom < 0 || Left < 0 || Right < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"ZeroPadding2D: padding must not be negative, " +
                $"received (({Top}, {Bottom}), ({Left}, {Right}))");
    }

    /// <summary>The rows added above.</summary>
    public int Top { get; }

    /// <summary>The rows added below.</summary>
    public int Bottom { get; }

    /// <summary>The columns added on the left.</summary>
    public int Left { get; }

    /// <summary>The columns added on the right.</summary>
    public int Right { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank == 4
        ? new Shape(inputShape[0], inputShape[1], inputShape[2] + Top + Bottom, inputShape[3] + Left + Right)
        : throw ShapeError("[N, C, H, W]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        return Functional.Pad(x, [0, 0, Top, Left], [0, 0, Bottom, Right]);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = new JsonArray(new JsonArray(Top, Bottom), new JsonArray(Left, Right));
        return c;
    }

    public static ZeroPadding2D FromConfig(JsonObject c)
    {
        var (h, w) = Cropping2D.ReadSides(c["padding"], 1);
        return LayerConfig.Common(new ZeroPadding2D((h, w), LayerConfig.Name(c)), c);
    }
}
