using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Batch normalisation over the channel axis (axis 1 of [N, C, ...]), Keras <c>BatchNormalization</c>:
/// in training, y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch mean and biased variance, and
/// moving = momentum·moving + (1 − momentum)·batch (the moving variance takes the unbiased batch variance, as
/// PyTorch does); in inference, and whenever the layer is frozen, the moving statistics are used.
/// Keras defaults: momentum 0.99, epsilon 1e−3 (PyTorch's momentum 0.01 is this 0.99).
/// </summary>
[RegisterLayer]
public sealed class BatchNormalization : Layer
{
    public BatchNormalization(float momentum = 0.99f, float epsilon = 1e-3f, bool center = true, bool scale = true,
        string? name = null)
        : base(name)
    {
        if (momentum < 0 || momentum > 1)
            throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be in [0, 1], received {momentum}");
        if (epsilon <= 0)
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be positive, received {epsilon}");
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
    }

    public float Momentum { get; }
    public float Epsilon { get; }
    public bool Center { get; }
    public bool Scale { get; }

    public Parameter Gamma { get; private set; } = null!;
    public Parameter Beta { get; private set; } = null!;
    public Parameter MovingMean { get; private set; } = null!;
    public Parameter MovingVariance { get; private set; } = null!;

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw ShapeError("[N, C, ...]", inputShape);
        int c = inputShape[1];
        Gamma = AddWeight("gamma", [c], Initializers.Ones, trainable: Scale);
        Beta = AddWeight("beta", [c], Initializers.Zeros, trainable: Center);
        MovingMean = AddWeight("moving_mean", [c], Initializers.Zeros, trainable: false);
        MovingVariance = AddWeight("moving_variance", [c], Initializers.Ones, trainable: false);
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank < 2 || inputShape[1] != Gamma.Length)
            throw ShapeError($"[N, {Gamma.Length}, ...]", inputShape);
        return inputShape;
    }

    protected override Tensor Forward(Tensor x, bool training) => Normalize(x, training, null, 0f);

    /// <summary>
    /// This layer's normalisation followed by the elementwise <paramref name="activation"/> (none when null), computed
    /// as one op: the same results, statistics updates included, as the layer and the activation run apart. The
    /// inference-fusion pass uses it for a BatchNormalization followed by a ReLU, LeakyReLU or SiLU layer.
    /// </summary>
    internal Tensor Normalize(Tensor x, bool training, ActivationKind? activation, float alpha)
    {
        if (x.Rank < 2 || x.Shape[1] != Gamma.Length)
            throw ShapeError($"[N, {Gamma.Length}, ...]", x.Shape);
        bool batchStatistics = training && Trainable;
        try
        {
            return activation is { } kind
                ? Functional.BatchNormActivation(x, Gamma, Beta, MovingMean, MovingVariance, batchStatistics, Momentum,
                    Epsilon, kind, alpha)
                : Functional.BatchNorm(x, Gamma, Beta, MovingMean, MovingVariance, batchStatistics, Momentum, Epsilon);
        }
        catch (ArgumentException e)
        {
            throw new FoveaException($"{Describe()}: {e.Message}", e);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        return c;
    }

    public static BatchNormalization FromConfig(JsonObject c) => LayerConfig.Common(new BatchNormalization(
        LayerConfig.Read(c, "momentum", 0.99f), LayerConfig.Read(c, "epsilon", 1e-3f), LayerConfig.Read(c, "center", true),
        LayerConfig.Read(c, "scale", true), LayerConfig.Name(c)), c);
}
