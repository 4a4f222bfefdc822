using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// The layer contract (as <see cref="LayerContractTests"/>) for layers called on one tensor: output shape, parameter
/// count, a config round trip that rebuilds an equal config and — with the weights copied — the same output, and one
/// gradient step on the weights (or the input) that lowers a squared-error loss.
/// </summary>
internal static class NewLayerContract
{
    public static void Check(Func<Layer> make, int[] input, int[] output, long parameters, int seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.RandomNormal(input, rng);
        var layer = make();
        var y = layer.Call(x, training: true);
        Assert.Equal(new Shape(output), y.Shape);
        Assert.Equal(parameters, layer.ParameterCount);

        var config = layer.GetConfig();
        var copy = LayerRegistry.FromConfig(layer.TypeName, JsonNode.Parse(config.ToJsonString())!.AsObject());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
        using (GradMode.NoGrad())
            copy.Call(x);
        Assert.Equal(layer.Weights.Count, copy.Weights.Count);
        for (int i = 0; i < layer.Weights.Count; i++)
            copy.Weights[i].Assign(layer.Weights[i].AsReadOnlySpan());
        using (GradMode.NoGrad())
            Assert.Equal(layer.Call(x).ToArray(), copy.Call(x).ToArray());

        var target = Tensor.RandomNormal(output, rng);
        var trainable = layer.TrainableWeights.Cast<Tensor>().ToList();
        if (trainable.Count == 0)
        {
            x.RequiresGrad = true;
            trainable.Add(x);
        }
        float Loss(bool backward)
        {
            layer.Rng = new Rng(5);
            var diff = Functional.Subtract(layer.Call(x, training: true), target);
            var loss = Functional.Mean(Functional.Multiply(diff, diff));
            if (backward)
                loss.Backward();
            return loss.Item();
        }
        float before = Loss(backward: true);
        foreach (var t in trainable)
        {
            Assert.NotNull(t.Grad);
            Assert.All(t.Grad!.ToArray(), g => Assert.True(float.IsFinite(g)));
            Fovea.Kernels.Elementwise.AddScaled(t.AsSpan(), t.Grad.AsReadOnlySpan(), -0.05f);
        }
        float after;
        using (GradMode.NoGrad())
            after = Loss(backward: false);
        Assert.True(after < before, $"{layer.Describe()}: loss {before} did not decrease after one step ({after})");
    }
}
