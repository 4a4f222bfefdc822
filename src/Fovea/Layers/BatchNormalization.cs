using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Batch normalisation over the channel axis (axis 1 of [N, C, ...]), Keras <c>BatchNormalization</c>:
/// in training, y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch mean and biased variance, and the moving statistics
/// follow the batch's: moving = m_t·moving + (1 − m_t)·batch (the moving variance takes the unbiased batch variance,
/// as PyTorch does); in inference, and whenever the layer is frozen, the moving statistics are used.
/// Keras defaults: momentum 0.99, epsilon 1e−3 (PyTorch's momentum 0.01 is this 0.99).
/// <para>
/// Warm-up without start-up bias: the t-th training batch uses m_t = min(momentum, 1 − 1/t), so the moving statistics
/// are the plain average of the batches seen until the window of 1/(1 − momentum) batches has filled (100 for 0.99),
/// and from then on exactly Keras' rule. Keras starts from mean 0 and variance 1 with m_t = momentum, so after 94
/// steps 39% of those initial values remain and a short run validates at chance; PyTorch's <c>momentum=None</c>
/// (a cumulative average) does the first part. The count t is the non-trainable weight
/// <see cref="BatchesTracked"/>, saved and checkpointed with the others; statistics given from outside (a file
/// without the count, an ONNX import) are taken as warmed up (<see cref="MarkWarmedUp"/>).
/// </para>
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

    /// <summary>
    /// [1], non-trainable: how many training batches the moving statistics have taken in (PyTorch's
    /// <c>num_batches_tracked</c>), stored as a float and held at <see cref="WarmedUpCount"/> once it gets there.
    /// </summary>
    public Parameter BatchesTracked { get; private set; } = null!;

    /// <summary>
    /// The count that marks the moving statistics as fully warmed up, 2²⁴: float counts exactly up to it, and
    /// 1 − 1/2²⁴ is at least every float momentum below 1, so from this count on the momentum is used as given.
    /// </summary>
    public const float WarmedUpCount = 1 << 24;

    /// <summary>
    /// The momentum the next training batch updates the moving statistics with: min(momentum, 1 − 1/t) for the t-th
    /// batch (0 for the first, which takes the batch statistics as they are; 1/2 for the second, ...), and
    /// <see cref="Momentum"/> itself from batch 1/(1 − momentum) on. A momentum of 1 keeps the statistics fixed.
    /// </summary>
    public float EffectiveMomentum
    {
        get
        {
            if (!Built)
                throw new FoveaException($"{Describe()} is not built yet, so it has no moving statistics");
            return MomentumAfter(BatchesTracked.AsReadOnlySpan()[0], Momentum);
        }
    }

    /// <summary>
    /// Marks the moving statistics as data statistics (e.g. set from a pretrained model): later training batches
    /// update them with <see cref="Momentum"/> from the first, with no warm-up that would replace them.
    /// </summary>
    public void MarkWarmedUp()
    {
        if (!Built)
            throw new FoveaException(
                $"{Describe()} is not built yet: call it once (or build its model) before MarkWarmedUp");
        BatchesTracked.AsSpan()[0] = WarmedUpCount;
    }

    /// <summary>The momentum of the update after <paramref name="count"/> tracked batches:
    /// min(m, 1 − 1/(count + 1)).</summary>
    internal static float MomentumAfter(float count, float momentum) =>
        momentum >= 1 ? 1f : (float)Math.Min(momentum, 1 - 1 / (Math.Max(0, (double)count) + 1));

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw ShapeError("[N, C, ...]", inputShape);
        int c = inputShape[1];
        Gamma = AddWeight("gamma", [c], Initializers.Ones, trainable: Scale);
        Beta = AddWeight("beta", [c], Initializers.Zeros, trainable: Center);
        MovingMean = AddWeight("moving_mean", [c], Initializers.Zeros, trainable: false);
        MovingVariance = AddWeight("moving_variance", [c], Initializers.Ones, trainable: false);
        BatchesTracked = AddWeight("batches_tracked", [1], Initializers.Zeros, trainable: false);
        BatchesTracked.ValueWhenMissing = WarmedUpCount;
    }

    /// <summary>
    /// The momentum for this call's update of the moving statistics, counting the batch when
    /// <paramref name="updates"/> (a training call of a trainable layer); <see cref="Momentum"/> otherwise (unused).
    /// </summary>
    private float MomentumForCall(bool updates)
    {
        if (!updates)
            return Momentum;
        var count = BatchesTracked.AsSpan();
        float momentum = MomentumAfter(count[0], Momentum);
        if (count[0] < WarmedUpCount)
            count[0] = Math.Max(0, count[0]) + 1;
        return momentum;
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
            float momentum = MomentumForCall(batchStatistics);
            return activation is { } kind
                ? Functional.BatchNormActivation(x, Gamma, Beta, MovingMean, MovingVariance, batchStatistics, momentum,
                    Epsilon, kind, alpha)
                : Functional.BatchNorm(x, Gamma, Beta, MovingMean, MovingVariance, batchStatistics, momentum, Epsilon);
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
