using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Removes rows and columns at the borders of each image (Keras <c>Cropping2D</c>): [N, C, H, W] →
/// [N, C, H − top − bottom, W − left − right]. The cropping is one number for all four sides, (height, width) for
/// symmetric amounts, or ((top, bottom), (left, right)). Keras default: nothing.
/// </summary>
[RegisterLayer]
public sealed class Cropping2D : Layer
{
    /// <summary>The same amount on every side.</summary>
    public Cropping2D(int cropping = 0, string? name = null)
        : this(((cropping, cropping), (cropping, cropping)), name)
    {
    }

    /// <summary>Height rows at the top and bottom, width columns at the left and right.</summary>
    public Cropping2D((int Height, int Width) cropping, string? name = null)
        : this(((cropping.Height, cropping.Height), (cropping.Width, cropping.Width)), name)
    {
    }

    /// <summary>((top, bottom), (left, right)).</summary>
    public Cropping2D(((int Top, int Bottom) Height, (int Left, int Right) Width) cropping, string? name = null)
        : base(name)
    {
        (Top, Bottom, Left, Right) = (cropping.Height.Top, cropping.Height.Bottom, cropping.Width.Left,
            cropping.Width.Right);
        if (Top < 0 || Bottom < 0 || Left < 0 || Right < 0)
            throw new ArgumentOutOfRangeException(nameof(cropping), $"Cropping2D: cropping must not be negative, " +
                $"received (({Top}, {Bottom}), ({Left}, {Right}))");
    }

    /// <summary>The rows removed above.</summary>
    public int Top { get; }

    /// <summary>The rows removed below.</summary>
    public int Bottom { get; }

    /// <summary>The columns removed on the left.</summary>
    public int Left { get; }

    /// <summary>The columns removed on the right.</summary>
    public int Right { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        Check(inputShape);
        return new Shape(inputShape[0], inputShape[1], inputShape[2] - Top - Bottom, inputShape[3] - Left - Right);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        Check(x.Shape);
        return Functional.Pad(x, [0, 0, -Top, -Left], [0, 0, -Bottom, -Right]);
    }

    private void Check(Shape shape)
    {
        if (shape.Rank != 4 || shape[2] <= Top + Bottom || shape[3] <= Left + Right)
            throw ShapeError($"[N, C, H, W] with H > {Top + Bottom} and W > {Left + Right}", shape);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["cropping"] = new JsonArray(new JsonArray(Top, Bottom), new JsonArray(Left, Right));
        return c;
    }

    public static Cropping2D FromConfig(JsonObject c)
    {
        var (h, w) = ReadSides(c["cropping"], 0);
        return LayerConfig.Common(new Cropping2D((h, w), LayerConfig.Name(c)), c);
    }

    /// <summary>Reads Keras's three spellings of per-side amounts: n, [h, w] or [[top, bottom], [left, right]].
    /// </summary>
    internal static ((int, int) Height, (int, int) Width) ReadSides(JsonNode? node, int fallback)
    {
        static (int, int) Side(JsonNode n) => n is JsonArray a ? (a[0]!.GetValue<int>(), a[1]!.GetValue<int>())
            : (n.GetValue<int>(), n.GetValue<int>());
        if (node is null)
            return ((fallback, fallback), (fallback, fallback));
        if (node is JsonArray pair)
            return (Side(pair[0]!), Side(pair[1]!));
        int v = node.GetValue<int>();
        return ((v, v), (v, v));
    }
}
