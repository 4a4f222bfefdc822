using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Adds zeros around each volume (Keras <c>ZeroPadding3D</c>): [N, C, D, H, W] → [N, C, D + d₁ + d₂, H + h₁ + h₂,
/// W + w₁ + w₂]. The padding is one number for every side, (depth, height, width) for symmetric amounts, or
/// ((d₁, d₂), (h₁, h₂), (w₁, w₂)). Keras default: 1 on every side. Before a valid convolution it gives PyTorch's
/// per-axis <c>Conv3d(padding=(1, 3, 3))</c>.
/// </summary>
[RegisterLayer]
public sealed class ZeroPadding3D : Layer
{
    /// <summary>The same amount on every side.</summary>
    public ZeroPadding3D(int padding = 1, string? name = null)
        : this((padding, padding, padding), name)
    {
    }

    /// <summary>Symmetric amounts per axis: (depth, height, width).</summary>
    public ZeroPadding3D((int Depth, int Height, int Width) padding, string? name = null)
        : this(((padding.Depth, padding.Depth), (padding.Height, padding.Height), (padding.Width, padding.Width)), name)
    {
    }

    /// <summary>((front, back), (top, bottom), (left, right)).</summary>
    public ZeroPadding3D(((int Before, int After) Depth, (int Before, int After) Height, (int Before, int After) Width)
        padding, string? name = null)
        : base(name)
    {
        Before = [padding.Depth.Before, padding.Height.Before, padding.Width.Before];
        After = [padding.Depth.After, padding.Height.After, padding.Width.After];
        if (Before.Concat(After).Any(p => p < 0))
            throw new ArgumentOutOfRangeException(nameof(padding), $"ZeroPadding3D: padding must not be negative, " +
                $"received {Amounts()}");
    }

    /// <summary>The zeros added before depth, height and width.</summary>
    public IReadOnlyList<int> Before { get; }

    /// <summary>The zeros added after depth, height and width.</summary>
    public IReadOnlyList<int> After { get; }

    private string Amounts() => $"(({Before[0]}, {After[0]}), ({Before[1]}, {After[1]}), ({Before[2]}, {After[2]}))";

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape.Rank == 5
        ? new Shape(inputShape[0], inputShape[1], inputShape[2] + Before[0] + After[0],
            inputShape[3] + Before[1] + After[1], inputShape[4] + Before[2] + After[2])
        : throw ShapeError("[N, C, D, H, W]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5)
            throw ShapeError("[N, C, D, H, W]", x.Shape);
        return Functional.Pad(x, [0, 0, .. Before], [0, 0, .. After]);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["padding"] = new JsonArray(new JsonArray(Before[0], After[0]), new JsonArray(Before[1], After[1]),
            new JsonArray(Before[2], After[2]));
        return c;
    }

    public static ZeroPadding3D FromConfig(JsonObject c)
    {
        var p = c["padding"] as JsonArray ?? throw new FoveaException("ZeroPadding3D config: 'padding' must be " +
            "[[front, back], [top, bottom], [left, right]]");
        (int, int) Axis(int i) => (p[i]![0]!.GetValue<int>(), p[i]![1]!.GetValue<int>());
        return LayerConfig.Common(new ZeroPadding3D((Axis(0), Axis(1), Axis(2)), LayerConfig.Name(c)), c);
    }
}
