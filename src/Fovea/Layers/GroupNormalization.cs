using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Group normalisation (Keras <c>GroupNormalization</c>, Wu &amp; He 2018; PyTorch <c>nn.GroupNorm</c>): each sample's
/// channels (axis 1) are split into <see cref="Groups"/> equal groups, each group is normalised over its channels and
/// all positions, y = (x − μ)/√(σ² + ε) with the biased σ², then y·γ[c] + β[c]. Shape: [N, C, ...] → the same, C a
/// multiple of groups. Keras defaults: 32 groups, ε = 1e−3, center and scale on (γ = 1, β = 0 at the start).
/// </summary>
[RegisterLayer]
public sealed class GroupNormalization : Layer
{
    public GroupNormalization(int groups = 32, float epsilon = 1e-3f, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null)
        : base(name)
    {
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"GroupNormalization: groups must be positive, " +
                $"received {groups}");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"GroupNormalization: epsilon must be positive, " +
                $"received {epsilon}");
        Groups = groups;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? Initializers.Zeros;
        GammaInitializer = gammaInitializer ?? Initializers.Ones;
    }

    /// <summary>The number of channel groups (Keras default 32); must divide the channels.</summary>
    public int Groups { get; }

    /// <summary>Added to the variance (Keras default 1e−3).</summary>
    public float Epsilon { get; }

    /// <summary>Adds β (Keras <c>center</c>).</summary>
    public bool Center { get; }

    /// <summary>Multiplies by γ (Keras <c>scale</c>).</summary>
    public bool Scale { get; }

    /// <summary>Default zeros.</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Default ones.</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>γ [C]; null when <see cref="Scale"/> is off.</summary>
    public Parameter? Gamma { get; private set; }

    /// <summary>β [C]; null when <see cref="Center"/> is off.</summary>
    public Parameter? Beta { get; private set; }

    private int _channels;

    protected override void Build(Shape inputShape)
    {
        Check(inputShape, inputShape.Rank >= 2 ? inputShape[1] : 0);
        _channels = inputShape[1];
        Gamma = Scale ? AddWeight("gamma", [_channels], GammaInitializer) : null;
        Beta = Center ? AddWeight("beta", [_channels], BetaInitializer) : null;
    }

    private void Check(Shape shape, int channels)
    {
        if (shape.Rank < 2 || shape[1] != channels || channels % Groups != 0)
            throw ShapeError($"[N, C, ...] with C = {(channels > 0 ? channels : "a multiple of " + Groups)} " +
                $"divisible into {Groups} groups", shape);
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        Check(inputShape, _channels);
        return inputShape;
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        Check(x.Shape, _channels);
        return Functional.GroupNorm(x, Groups, Gamma, Beta, Epsilon);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["groups"] = Groups;
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        c["beta_initializer"] = BetaInitializer.GetConfig();
        c["gamma_initializer"] = GammaInitializer.GetConfig();
        return c;
    }

    public static GroupNormalization FromConfig(JsonObject c) => LayerConfig.Common(new GroupNormalization(
        LayerConfig.Read(c, "groups", 32), LayerConfig.Read(c, "epsilon", 1e-3f), LayerConfig.Read(c, "center", true),
        LayerConfig.Read(c, "scale", true), Initializers.FromConfig(c["beta_initializer"]),
        Initializers.FromConfig(c["gamma_initializer"]), LayerConfig.Name(c)), c);
}
