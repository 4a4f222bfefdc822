using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Convolutional Block Attention Module (Woo et al. 2018): channel attention, then spatial attention, each a gate
/// multiplied into the features.
/// <code>
/// channel:  Mc = σ(MLP(avg_HW(x)) + MLP(max_HW(x)))     [N, C, 1, 1]
///           x' = x ⊙ Mc
/// spatial:  Ms = σ(conv_k×k([avg_C(x'); max_C(x')]))   [N, 1, H, W]
///           y  = x' ⊙ Ms
/// </code>
/// MLP = fc2(ReLU(fc1(·))), shared by both poolings: fc1 a 1×1 convolution C → max(1, C / reductionRatio), fc2 back to
/// C, both with bias. The spatial convolution is one k×k 'same' convolution 2 → 1 without bias, over the channel mean
/// then the channel max.
/// The paper's equations (2) and (3); its reference code adds a BatchNormalization after the spatial convolution,
/// which this layer leaves out (compose one in if needed). Sub-layers <c>fc1</c>, <c>fc2</c> and <c>spatial</c>.
/// Shape: [N, C, H, W] → [N, C, H, W]. Defaults: reduction ratio 16, kernel size 7.
/// </summary>
/// <example><code>new Cbam(reductionRatio: 8)</code></example>
[RegisterLayer]
public sealed class Cbam : Layer
{
    private Conv2D _fc1 = null!;
    private Conv2D _fc2 = null!;
    private Conv2D _spatial = null!;

    /// <param name="reductionRatio">The MLP's hidden width is max(1, C / reductionRatio).</param>
    /// <param name="kernelSize">Side of the spatial attention's convolution (odd).</param>
    /// <param name="name">Layer name.</param>
    public Cbam(int reductionRatio = 16, int kernelSize = 7, string? name = null)
        : base(name)
    {
        if (reductionRatio <= 0)
            throw new ArgumentOutOfRangeException(nameof(reductionRatio),
                $"Cbam: reductionRatio must be positive, received {reductionRatio}");
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"Cbam: kernelSize must be positive and odd, received {kernelSize}");
        ReductionRatio = reductionRatio;
        KernelSize = kernelSize;
    }

    /// <summary>C divided by the MLP's hidden width.</summary>
    public int ReductionRatio { get; }

    /// <summary>Side of the spatial attention's convolution.</summary>
    public int KernelSize { get; }

    /// <summary>The MLP's first 1×1 convolution (after Build).</summary>
    internal Conv2D Fc1 => _fc1;

    /// <summary>The MLP's second 1×1 convolution (after Build).</summary>
    internal Conv2D Fc2 => _fc2;

    /// <summary>The spatial attention's convolution (after Build).</summary>
    internal Conv2D Spatial => _spatial;

    // No ComputeOutputShape: a symbolic call runs Forward once, which builds the sub-layers (their weights exist
    // only after their first call).
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4)
            throw ShapeError("[N, C, H, W]", inputShape);
        int c = inputShape[1];
        _fc1 = new Conv2D(Math.Max(1, c / ReductionRatio), 1, name: "fc1");
        _fc2 = new Conv2D(c, 1, name: "fc2");
        _spatial = new Conv2D(1, KernelSize, padding: Padding.Same, useBias: false, name: "spatial");
    }

    private void CheckInput(Shape shape)
    {
        int c = _fc2.Filters;
        if (shape.Rank != 4 || shape[1] != c)
            throw ShapeError($"[N, {c}, H, W]", shape);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        CheckInput(x.Shape);
        var avg = Mlp(Functional.Mean(x, [2, 3], keepDims: true));
        var max = Mlp(Functional.Max(x, [2, 3], keepDims: true));
        var refined = Functional.Multiply(x, Functional.Sigmoid(Functional.Add(avg, max)));
        var maps = Functional.Concat(
            [Functional.Mean(refined, [1], keepDims: true), Functional.Max(refined, [1], keepDims: true)], 1);
        return Functional.Multiply(refined, Functional.Sigmoid(_spatial.Call(maps)));
    }

    private Tensor Mlp(Tensor pooled) => _fc2.Call(Functional.Relu(_fc1.Call(pooled)));

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["reduction_ratio"] = ReductionRatio;
        c["kernel_size"] = KernelSize;
        return c;
    }

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static Cbam FromConfig(JsonObject c) =>
        LayerConfig.Common(new Cbam(LayerConfig.Read(c, "reduction_ratio", 16), LayerConfig.Read(c, "kernel_size", 7),
            LayerConfig.Name(c)), c);
}
