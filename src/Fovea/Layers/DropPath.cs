using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Stochastic depth (Huang et al. 2016; timm/Keras-CV <c>DropPath</c>, torchvision <c>StochasticDepth(mode="row")</c>):
/// during training each sample's residual branch is dropped with probability <see cref="Rate"/> and kept branches are
/// scaled by 1/(1 − rate). Put it on the branch before the <see cref="Add"/>. <see cref="StochasticDepth"/> is the
/// same op under torchvision's name, with its "batch" mode too.
/// </summary>
[RegisterLayer]
public sealed class DropPath : Layer
{
    public DropPath(double rate, string? name = null)
        : base(name)
    {
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), $"DropPath: rate must be in [0, 1), received {rate}");
        Rate = rate;
    }

    public double Rate { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training) => Functional.DropPath(x, (float)Rate, training, Rng);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rate"] = Rate;
        return c;
    }

    public static DropPath FromConfig(JsonObject c) =>
        LayerConfig.Common(new DropPath(c["rate"]!.GetValue<double>(), LayerConfig.Name(c)), c);
}
