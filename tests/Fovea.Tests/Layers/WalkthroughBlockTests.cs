using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Examples.Attention;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// The walkthrough's <see cref="ConvTransformerBlock"/> and <see cref="SEBlock"/> as custom layers over stock layers:
/// shapes forward and backward, a gradient for every sub-layer weight, the LayerNorm over channels visible in the
/// output, SE's formula recomputed from its weights, and training steps that lower a loss; the blocks' own
/// <c>Weights</c> are their sub-layers' (layer tracking).
/// </summary>
public sealed class WalkthroughBlockTests
{
    [Fact]
    public void ConvTransformerBlock_ForwardBackward_ShapesAndEveryWeightGetsAGradient()
    {
        var rng = new Rng(21);
        var block = new ConvTransformerBlock(embedDim: 8, numHeads: 2, ffDim: 16);
        var x = Tensor.RandomNormal([2, 8, 3, 4], rng);
        x.RequiresGrad = true;
        var y = block.Call(x, training: true);
        Assert.Equal(x.Shape, y.Shape);
        y.Backward(Tensor.RandomNormal(y.Shape, rng));
        Assert.Equal(x.Shape, x.Grad!.Shape);
        var weights = block.Weights.ToList();
        // MHA 3·(8·2·8 + 2·8) + (2·8·8 + 8), three 1×1 convs 3·(8·8 + 8), ffn (8·16 + 16) + (16·8 + 8),
        // two LN 2·(8 + 8)
        Assert.Equal(568 + 216 + 280 + 32, weights.Sum(w => w.Length));
        foreach (var w in weights)
        {
            Assert.True(w.Grad is not null, $"{w.Name} {w.Shape} has no gradient");
            Assert.True(w.Grad!.ToArray().Any(g => g != 0) || w.Name == "key.bias", $"{w.Name}: gradient is all zero");
        }
    }

    [Fact]
    public void ConvTransformerBlock_OutputIsNormalisedOverChannelsAtEveryPixel()
    {
        var block = new ConvTransformerBlock(embedDim: 6, numHeads: 3, ffDim: 12);
        var x = Tensor.RandomNormal([2, 6, 2, 3], new Rng(22), 0.5f, 2f);
        var y = block.Call(x).ToArray();
        for (int n = 0; n < 2; n++)
        {
            for (int p = 0; p < 6; p++)
            {
                var channel = Enumerable.Range(0, 6).Select(c => (double)y[(n * 6 + c) * 6 + p]).ToArray();
                double mean = channel.Average();
                double variance = channel.Select(v => (v - mean) * (v - mean)).Average();
                Assert.Equal(0, mean, 1e-5);
                Assert.Equal(1, variance, 1e-3); // var/(var + 1e-6) with γ = 1, β = 0 at the start
            }
        }
    }

    [Fact]
    public void ConvTransformerBlock_TrainingStepsLowerTheLoss()
    {
        var rng = new Rng(23);
        var block = new ConvTransformerBlock(embedDim: 4, numHeads: 2, ffDim: 8, rate: 0);
        var x = Tensor.RandomNormal([3, 4, 2, 2], rng);
        var target = Tensor.RandomNormal([3, 4, 2, 2], rng);
        float first = 0, last = 0;
        for (int step = 0; step < 5; step++)
        {
            var diff = Functional.Subtract(block.Call(x, training: true), target);
            var loss = Functional.Mean(Functional.Multiply(diff, diff));
            loss.Backward();
            last = loss.Item();
            if (step == 0)
                first = last;
            foreach (var w in block.Weights)
            {
                Fovea.Kernels.Elementwise.AddScaled(w.AsSpan(), w.Grad!.AsReadOnlySpan(), -0.1f);
                w.ZeroGrad();
            }
        }
        Assert.True(last < first, $"loss {first} → {last} after 5 steps");
    }

    [Fact]
    public void ConvTransformerBlock_ConfigRoundTripAndFunctionalCall()
    {
        var block = new ConvTransformerBlock(8, 4, 32, rate: 0.2, name: "ctb");
        var copy = LayerRegistry.FromConfig(nameof(ConvTransformerBlock),
            JsonNode.Parse(block.GetConfig().ToJsonString())!.AsObject());
        Assert.Equal(block.GetConfig().ToJsonString(), copy.GetConfig().ToJsonString());

        var input = Input.Create([8, 4, 4]);
        var output = block.Call(input);
        Assert.Equal(new Shape(8, 4, 4), output.Shape);
    }

    [Fact]
    public void SEBlock_ScalesChannelsByItsGate()
    {
        var rng = new Rng(24);
        var block = new SEBlock(ratio: 4);
        var x = Tensor.RandomNormal([2, 8, 3, 3], rng);
        var y = block.Call(x, training: true);
        Assert.Equal(x.Shape, y.Shape);
        var dense = block.SubLayers.OfType<Dense>().ToList();
        Assert.Equal([2, 8], dense.Select(d => d.Units));
        // y = x ⊙ σ(W2·relu(W1·mean_hw(x))) per sample and channel, recomputed from the weights
        var gate = Functional.Sigmoid(Functional.Linear(Functional.Relu(Functional.Linear(
            Functional.Mean(x, [2, 3]), dense[0].Kernel)), dense[1].Kernel)).ToArray();
        var (xs, ys) = (x.ToArray(), y.ToArray());
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(xs[i] * gate[i / 9], ys[i], 1e-6f);
    }

    [Fact]
    public void SEBlock_TrainingStepsLowerTheLossAndDenseWeightsMove()
    {
        var rng = new Rng(25);
        var block = new SEBlock(ratio: 2);
        var x = Tensor.RandomNormal([4, 4, 2, 2], rng);
        var target = Tensor.RandomNormal([4, 4, 2, 2], rng);
        block.Call(x);
        var weights = block.Weights.ToList();
        Assert.Equal(2, weights.Count);
        var before = weights.Select(w => w.ToArray()).ToList();
        float first = 0, last = 0;
        for (int step = 0; step < 5; step++)
        {
            var diff = Functional.Subtract(block.Call(x, training: true), target);
            var loss = Functional.Mean(Functional.Multiply(diff, diff));
            loss.Backward();
            last = loss.Item();
            if (step == 0)
                first = last;
            foreach (var w in weights)
            {
                Fovea.Kernels.Elementwise.AddScaled(w.AsSpan(), w.Grad!.AsReadOnlySpan(), -0.5f);
                w.ZeroGrad();
            }
        }
        Assert.True(last < first, $"loss {first} → {last} after 5 steps");
        for (int i = 0; i < weights.Count; i++)
            Assert.NotEqual(before[i], weights[i].ToArray());
    }
}
