using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Examples.Attention;

/// <summary>
/// The walkthrough's hybrid block (Part 6.1, <c>ConvTransformerBlock</c>) written the natural C# way: sub-layers in
/// fields, created in the constructor. NCHW port of its channels-last Keras code, with C = <see cref="EmbedDim"/>:
/// <code>
/// q, k, v = conv_q(x), conv_k(x), conv_v(x)                  1×1 Conv2D, [B, C, H, W]
/// tokens(t) = reshape(permute(t, 0, 2, 3, 1), [B, H·W, C])   the walkthrough's reshape of channels-last maps
/// a = dropout1(att(q, k, v))                                  Keras positional call: value = k, key = v, as written
/// out1 = layernorm1(x + image(a))                             LayerNorm over channels (axis 1), ε = 1e−6
/// out2 = layernorm2(out1 + image(dropout2(ffn(tokens(out1)))))   ffn = Dense(ffDim, swish), Dense(C)
/// </code>
/// Shape: [B, C, H, W] → [B, C, H, W]. Layer tracking makes the sub-layers' weights the
/// block's own (<see cref="Layer.Weights"/>).
/// </summary>
[RegisterLayer]
public sealed class ConvTransformerBlock : Layer
{
    private readonly MultiHeadAttention _att;
    private readonly Conv2D _convQ;
    private readonly Conv2D _convK;
    private readonly Conv2D _convV;
    private readonly Sequential _ffn;
    private readonly LayerNormalization _layernorm1;
    private readonly LayerNormalization _layernorm2;
    private readonly Dropout _dropout1;
    private readonly Dropout _dropout2;

    public ConvTransformerBlock(int embedDim, int numHeads, int ffDim, double rate = 0.1, string? name = null)
        : base(name)
    {
        EmbedDim = embedDim;
        NumHeads = numHeads;
        FfDim = ffDim;
        Rate = rate;
        _att = new MultiHeadAttention(numHeads, keyDim: embedDim);
        _convQ = new Conv2D(embedDim, 1);
        _convK = new Conv2D(embedDim, 1);
        _convV = new Conv2D(embedDim, 1);
        _ffn = new Sequential(new Dense(ffDim, Activations.Swish), new Dense(embedDim));
        _layernorm1 = new LayerNormalization(axis: 1, epsilon: 1e-6f);
        _layernorm2 = new LayerNormalization(axis: 1, epsilon: 1e-6f);
        _dropout1 = new Dropout(rate);
        _dropout2 = new Dropout(rate);
    }

    public int EmbedDim { get; }

    public int NumHeads { get; }

    public int FfDim { get; }

    public double Rate { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4 || x.Shape[1] != EmbedDim)
            throw ShapeError($"[B, {EmbedDim}, H, W] (channels = embedDim, for the residual)", x.Shape);
        int b = x.Shape[0], h = x.Shape[2], w = x.Shape[3];
        var q = Tokens(_convQ.Call(x, training));
        var k = Tokens(_convK.Call(x, training));
        var v = Tokens(_convV.Call(x, training));
        var attn = _dropout1.Call(_att.Call(q, k, v, training: training), training);
        var out1 = _layernorm1.Call(Functional.Add(x, Image(attn, b, h, w)), training);
        var ffn = _dropout2.Call(_ffn.Call(Tokens(out1), training), training);
        return _layernorm2.Call(Functional.Add(out1, Image(ffn, b, h, w)), training);
    }

    /// <summary>[B, C, H, W] → [B, H·W, C].</summary>
    private static Tensor Tokens(Tensor x) =>
        Functional.Reshape(Functional.Permute(x, 0, 2, 3, 1), x.Shape[0], x.Shape[2] * x.Shape[3], x.Shape[1]);

    /// <summary>[B, H·W, C] → [B, C, H, W].</summary>
    private static Tensor Image(Tensor t, int b, int h, int w) =>
        Functional.Permute(Functional.Reshape(t, b, h, w, t.Shape[2]), 0, 3, 1, 2);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["embed_dim"] = EmbedDim;
        c["num_heads"] = NumHeads;
        c["ff_dim"] = FfDim;
        c["rate"] = Rate;
        return c;
    }

    public static ConvTransformerBlock FromConfig(JsonObject c) => new(c["embed_dim"]!.GetValue<int>(),
        c["num_heads"]!.GetValue<int>(), c["ff_dim"]!.GetValue<int>(), c["rate"]!.GetValue<double>(),
        c["name"]?.GetValue<string>()) { Trainable = c["trainable"]?.GetValue<bool>() ?? true };
}
