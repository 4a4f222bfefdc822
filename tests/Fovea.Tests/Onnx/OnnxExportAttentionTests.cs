using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// MultiHeadAttention exported to ONNX (MatMul/Transpose/Softmax, Where for the mask) alone and inside a transformer
/// block with Permute, Reshape and LayerNormalization: ONNX Runtime and the re-imported file give Fovea's
/// inference-mode outputs at batch 1 and 3, with random weights (biases included) and standard normal inputs.
/// </summary>
public sealed class OnnxExportAttentionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => new(s_cases.Keys);

    /// <summary>
    /// Each case's model, its inputs for a batch size (null: standard normal) and its tolerance. 1e−5 absolute: a
    /// value passes through four projections of at most 8 products each, a softmax over at most 9 positions and one
    /// weighted sum, all of order 1 (outputs up to about 6), so ONNX Runtime's other summation order changes float32
    /// results by a few ulps of those values (measured ≤ 1e−6, the block included, whose layer normalisations bring
    /// values back to order 1).
    /// </summary>
    private static readonly Dictionary<string, (Func<Model> Make, Func<int, Tensor[]>? Inputs, double Tolerance)>
        s_cases = new()
    {
        ["self-attention (one input)"] = (() => SelfAttention(new MultiHeadAttention(2, 4), [5, 8]), null, 1e-5),
        ["no bias, dropout (none in inference)"] = (() => SelfAttention(new MultiHeadAttention(3, 2, dropout: 0.4,
            useBias: false), [4, 6]), null, 1e-5),
        ["query and value (key = value)"] = (() => QueryValue(), null, 1e-5),
        ["cross-attention, own key, value and output sizes"] = (() => CrossAttention(masked: false), null, 1e-5),
        ["masked cross-attention, one row fully masked"] = (() => CrossAttention(masked: true), MaskedInputs, 1e-5),
        ["transformer block on NCHW images"] = (TransformerBlock, null, 1e-5),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Attention_ExportMatchesOnnxRuntimeAndReimport(string name)
    {
        var (make, inputs, tolerance) = s_cases[name];
        var model = make();
        OnnxExportLayerTests.RandomizeWeights(model, new Rng(StableSeed.Of(name)));
        var result = ExportCheck.Run(model, tolerance, [1, 3], name, inputs);
        output.WriteLine($"{name}: {result}");
    }

    /// <summary>The masked case checks the mask's export: with the same inputs and no entry masked, Fovea's output
    /// differs.</summary>
    [Fact]
    public void MaskedCase_MaskChangesTheOutput()
    {
        var model = CrossAttention(masked: true);
        var inputs = MaskedInputs(3);
        var unmasked = inputs.ToArray();
        unmasked[3] = Tensor.Ones(inputs[3].Shape);
        double diff = ExportCheck.MaxDiff(model.Run(inputs)[0], model.Run(unmasked)[0]);
        Assert.True(diff > 1e-2, $"masking a third of the keys changed the output by {diff} only");
    }

    /// <summary>The layer called on one input: query = value = key.</summary>
    private static Model SelfAttention(MultiHeadAttention mha, int[] shape)
    {
        var x = Input.Create(shape, "tokens");
        return new Model(x, mha.Call([x]), "self_attention");
    }

    private static Model QueryValue()
    {
        var q = Input.Create([4, 6], "query");
        var v = Input.Create([2, 6], "value");
        return new Model([q, v], new MultiHeadAttention(2, 3).Call(q, v), "query_value");
    }

    /// <summary>Query [3, 4], value [4, 3], key [4, 2] (and a mask [3, 4]); 3 heads of key size 2, value size 5,
    /// output size 7.</summary>
    private static Model CrossAttention(bool masked)
    {
        var q = Input.Create([3, 4], "query");
        var v = Input.Create([4, 3], "value");
        var k = Input.Create([4, 2], "key");
        var m = masked ? Input.Create([3, 4], "mask") : null;
        var mha = new MultiHeadAttention(3, 2, valueDim: 5, outputShape: 7, name: "mha");
        var y = mha.Call(q, v, k, m);
        return new Model(m is null ? [q, v, k] : [q, v, k, m], y, masked ? "masked" : "cross");
    }

    /// <summary>Standard normal query, value and key; a 0/1 mask with about a third of the entries 0, and query row 1
    /// of the first sample masked entirely (it attends uniformly, in Fovea as in Keras).</summary>
    private static Tensor[] MaskedInputs(int batch)
    {
        var rng = new Rng(40 + batch);
        var mask = Tensor.RandomUniform([batch, 3, 4], rng);
        var values = mask.ToArray().Select(u => u < 0.35f ? 0f : 1f).ToArray();
        Array.Clear(values, 4, 4);
        return [Tensor.RandomNormal([batch, 3, 4], rng), Tensor.RandomNormal([batch, 4, 3], rng),
            Tensor.RandomNormal([batch, 4, 2], rng), Tensor.FromArray(values, [batch, 3, 4])];
    }

    /// <summary>
    /// The walkthrough's convolution-attention block as a functional model on [4, 3, 3] images (C = 4): 1×1
    /// convolutions for q, k, v, each turned into [H·W, C] tokens (Permute [2, 3, 1], Reshape [9, 4]), attention,
    /// back to NCHW (Reshape [3, 3, 4], Permute [3, 1, 2]), residual sum, LayerNormalization over the channels
    /// (axis 1), a token-wise Dense feed-forward and a second residual normalisation.
    /// </summary>
    private static Model TransformerBlock()
    {
        var x = Input.Create([4, 3, 3], "image");
        SymbolicTensor Tokens(SymbolicTensor t) => new Reshape([9, 4]).Call(new Permute([2, 3, 1]).Call(t));
        SymbolicTensor Image(SymbolicTensor t) => new Permute([3, 1, 2]).Call(new Reshape([3, 3, 4]).Call(t));
        var q = Tokens(new Conv2D(4, 1).Call(x));
        var k = Tokens(new Conv2D(4, 1).Call(x));
        var v = Tokens(new Conv2D(4, 1).Call(x));
        var attended = new MultiHeadAttention(2, 4, dropout: 0.1).Call(q, k, v);
        var out1 = new LayerNormalization(1, 1e-6f).Call(new Add().Call([x, Image(attended)]));
        var ffn = new Dense(4).Call(new Dense(8, Activations.Swish).Call(Tokens(out1)));
        var y = new LayerNormalization(1, 1e-6f).Call(new Add().Call([out1, Image(new Dropout(0.1).Call(ffn))]));
        return new Model(x, y, "transformer_block");
    }
}
