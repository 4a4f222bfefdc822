using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Stochastic depth as torchvision's <c>ops.StochasticDepth(p, mode)</c>, used on the residual branches of
/// EfficientNet, ConvNeXt, MaxViT and RegNet: in training the input is zeroed with probability <see cref="Rate"/>,
/// per sample (<see cref="StochasticDepthMode.Row"/>, the same as <see cref="DropPath"/>) or for the whole batch
/// (<see cref="StochasticDepthMode.Batch"/>), and what is kept is scaled by 1/(1 − rate); the identity in inference.
/// Shape: any [N, ...] → the same.
/// </summary>
[RegisterLayer]
public sealed class StochasticDepth : Layer
{
    public StochasticDepth(double rate, StochasticDepthMode mode = StochasticDepthMode.Row, string? name = null)
        : base(name)
    {
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), $"StochasticDepth: rate must be in [0, 1), received " +
                $"{rate}");
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "StochasticDepth: mode");
        Rate = rate;
        Mode = mode;
    }

    /// <summary>The probability of dropping (torchvision's <c>p</c>).</summary>
    public double Rate { get; }

    /// <summary>Per sample (row, the default) or for the whole batch.</summary>
    public StochasticDepthMode Mode { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) =>
        inputShape.Rank >= 1 ? inputShape : throw ShapeError("[N, ...]", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank == 0)
            throw ShapeError("[N, ...]", x.Shape);
        return Functional.StochasticDepth(x, (float)Rate, Mode, training, Rng);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        c["mode"] = Mode == StochasticDepthMode.Row ? "row" : "batch";
        return c;
    }

    public static StochasticDepth FromConfig(JsonObject c)
    {
        var mode = LayerConfig.Read(c, "mode", "row") switch
        {
            "row" => StochasticDepthMode.Row,
            "batch" => StochasticDepthMode.Batch,
            var other => throw new FoveaException($"StochasticDepth: mode '{other}' is not supported; expected 'row' " +
                "or 'batch'"),
        };
        return LayerConfig.Common(new StochasticDepth(c["rate"]!.GetValue<double>(), mode, LayerConfig.Name(c)), c);
    }
}
