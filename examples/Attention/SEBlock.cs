using System.Text.Json.Nodes;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Examples.Attention;

/// <summary>
/// The walkthrough's squeeze-and-excitation block (Part 6.2, <c>SEBlock</c>) written the natural C# way: two Dense
/// sub-layers held in fields and created in <see cref="Build"/>, once the channel count is known. NCHW port:
/// <code>
/// se = sigmoid(dense2(relu(dense1(gap(x)))))   [B, C]; dense1 has max(1, C / ratio) units, no bias
/// y = x ⊙ reshape(se, [C, 1, 1])               the walkthrough's reshape to [-1, 1, 1, C], broadcast over H, W
/// </code>
/// Shape: [B, C, H, W] → [B, C, H, W]. Layer tracking finds the
/// sub-layers in the fields: their weights are the block's <see cref="Layer.Weights"/>, and the block registers itself.
/// </summary>
[RegisterLayer]
public sealed class SEBlock(int ratio = 16, string? name = null) : Layer(name)
{
    private readonly GlobalAveragePooling2D _gap = new();
    private readonly ReLU _relu = new();
    private readonly Activation _sigmoid = new(Activations.Sigmoid);
    private readonly Multiply _scale = new();
    private Dense _dense1 = null!;
    private Dense _dense2 = null!;
    private Reshape _reshape = null!;

    public int Ratio { get; } = ratio;

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4)
            throw ShapeError("[B, C, H, W]", inputShape);
        int filters = inputShape[1];
        _dense1 = new Dense(Math.Max(1, filters / Ratio), useBias: false);
        _dense2 = new Dense(filters, useBias: false);
        _reshape = new Reshape([filters, 1, 1]);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        // sub-layers called without a training flag run in this call's mode
        var se = _sigmoid.Call(_dense2.Call(_relu.Call(_dense1.Call(_gap.Call(x)))));
        return _scale.Call([x, _reshape.Call(se)]);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["ratio"] = Ratio;
        return c;
    }

    public static SEBlock FromConfig(JsonObject c) => new(c["ratio"]!.GetValue<int>(), c["name"]?.GetValue<string>())
    {
        Trainable = c["trainable"]?.GetValue<bool>() ?? true,
    };
}
