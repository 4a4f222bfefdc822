using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Layer normalisation (Keras <c>LayerNormalization</c>, Ba et al. 2016): each sample is normalised over
/// <see cref="Axis"/> on its own, y = (x − μ)/√(σ² + ε)·γ + β, with μ and the biased σ² taken over those axes and
/// γ, β shaped like them ([x.Shape[a] for a in the axes], ascending), γ = 1 and β = 0 at the start.
/// Keras's default axis −1 is the feature axis of [N, T, D] sequences and of [N, D]; for NCHW images the
/// per-pixel channel normalisation of channels-last Keras code is <c>axis: 1</c>, and <c>axis: [1, 2, 3]</c>
/// normalises whole samples. Shape: any [N, ...] → the same shape. Keras defaults: ε = 1e−3, center and scale on.
/// </summary>
[RegisterLayer]
public sealed class LayerNormalization : Layer
{
    private int[] _axes = [];

    /// <summary>Normalises over one axis (negative counts from the end; the batch axis 0 is not allowed).</summary>
    public LayerNormalization(int axis = -1, float epsilon = 1e-3f, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null)
        : this([axis], epsilon, center, scale, betaInitializer, gammaInitializer, name)
    {
    }

    /// <summary>Normalises over several axes together (Keras <c>axis=[1, 2, 3]</c>).</summary>
    public LayerNormalization(int[] axis, float epsilon = 1e-3f, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Length == 0 || axis.Distinct().Count() != axis.Length)
            throw new ArgumentException($"LayerNormalization: axis must be one or more distinct axes, received " +
                $"[{string.Join(", ", axis)}]", nameof(axis));
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"LayerNormalization: epsilon must be positive, " +
                $"received {epsilon}");
        Axis = axis.ToArray();
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? Initializers.Zeros;
        GammaInitializer = gammaInitializer ?? Initializers.Ones;
    }

    /// <summary>The axes as given (negative values count from the end of the input's shape).</summary>
    public IReadOnlyList<int> Axis { get; }

    public float Epsilon { get; }

    /// <summary>Adds β (Keras <c>center</c>).</summary>
    public bool Center { get; }

    /// <summary>Multiplies by γ (Keras <c>scale</c>).</summary>
    public bool Scale { get; }

    public Initializer BetaInitializer { get; }

    public Initializer GammaInitializer { get; }

    /// <summary>γ, shaped like the normalised axes in ascending order; null when <see cref="Scale"/> is off.</summary>
    public Parameter? Gamma { get; private set; }

    /// <summary>β, shaped like γ; null when <see cref="Center"/> is off.</summary>
    public Parameter? Beta { get; private set; }

    protected override void Build(Shape inputShape)
    {
        _axes = ResolveAxes(inputShape);
        Shape shape = _axes.Select(a => inputShape[a]).ToArray();
        Gamma = Scale ? AddWeight("gamma", shape, GammaInitializer) : null;
        Beta = Center ? AddWeight("beta", shape, BetaInitializer) : null;
    }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training)
    {
        int[] axes = ResolveAxes(x.Shape);
        var expected = BuiltInputShape!.Value;
        if (!axes.SequenceEqual(_axes) || axes.Any(a => x.Shape[a] != expected[a]))
            throw ShapeError(Expected(expected), x.Shape);
        int rank = x.Rank, k = axes.Length;
        bool trailing = axes[0] == rank - k;
        if (trailing)
            return Functional.LayerNorm(x, Gamma, Beta, axes[0], Epsilon);
        // Move the normalised axes last (in order), normalise the trailing block, and move them back.
        int[] perm = [.. Enumerable.Range(0, rank).Where(d => !axes.Contains(d)), .. axes];
        var inverse = new int[rank];
        for (int i = 0; i < rank; i++)
            inverse[perm[i]] = i;
        var y = Functional.LayerNorm(Functional.Permute(x, perm), Gamma, Beta, rank - k, Epsilon);
        return Functional.Permute(y, inverse);
    }

    /// <summary>The axes made non-negative and sorted; the batch axis and axes beyond the rank are errors.</summary>
    private int[] ResolveAxes(Shape shape)
    {
        var axes = new int[Axis.Count];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = Axis[i] < 0 ? Axis[i] + shape.Rank : Axis[i];
            if (a <= 0 || a >= shape.Rank)
                throw new FoveaException($"{Describe()}: axis {Axis[i]} is {(a == 0 ? "the batch axis" : "outside")}"
                    + $" of input {shape}; expected axes among 1..{shape.Rank - 1} (or -1..-{shape.Rank - 1})");
            axes[i] = a;
        }
        Array.Sort(axes);
        if (axes.Distinct().Count() != axes.Length)
            throw new FoveaException($"{Describe()}: axes [{string.Join(", ", Axis)}] name one axis twice for input " +
                $"{shape}");
        return axes;
    }

    /// <summary>"[N, 8, H, W]": the built sizes on the normalised axes, letters elsewhere.</summary>
    private string Expected(Shape built)
    {
        var dims = Enumerable.Range(0, built.Rank).Select(d => _axes.Contains(d) ? built[d].ToString() : d == 0 ? "N"
            : "·");
        return $"[{string.Join(", ", dims)}] (rank {built.Rank})";
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis.Count == 1 ? Axis[0] : new JsonArray(Axis.Select(a => (JsonNode)a).ToArray());
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        c["beta_initializer"] = BetaInitializer.GetConfig();
        c["gamma_initializer"] = GammaInitializer.GetConfig();
        return c;
    }

    public static LayerNormalization FromConfig(JsonObject c)
    {
        int[] axis = c["axis"] switch
        {
            null => [-1],
            JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
            var n => [n.GetValue<int>()],
        };
        return LayerConfig.Common(new LayerNormalization(axis, LayerConfig.Read(c, "epsilon", 1e-3f),
            LayerConfig.Read(c, "center", true), LayerConfig.Read(c, "scale", true),
            c["beta_initializer"] is { } b ? Initializers.FromConfig(b) : null,
            c["gamma_initializer"] is { } g ? Initializers.FromConfig(g) : null, LayerConfig.Name(c)), c);
    }
}
