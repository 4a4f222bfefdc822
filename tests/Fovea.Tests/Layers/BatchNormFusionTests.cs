using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// A BatchNormalization followed by an Activation runs fused inside Sequential; it must give the results of the two
/// layers run apart: outputs, every gradient, and the moving statistics. Tolerance 2e−6 relative + 2e−6 absolute:
/// the fused pass rounds x·scale + shift once (FMA) where the separate ops round twice.
/// </summary>
public class BatchNormFusionTests
{
    public static TheoryData<string, bool> Cases => new()
    {
        { "relu", true }, { "relu", false }, { "leaky_relu", true }, { "swish", true }, { "swish", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_MatchesSeparateLayers(string activation, bool training)
    {
        var (fusedOut, fusedGrads, fusedStats) = Run(activation, training, fuse: true);
        var (plainOut, plainGrads, plainStats) = Run(activation, training, fuse: false);
        TensorAssert.Close(plainOut, fusedOut, 2e-6, 2e-6, "output");
        for (int i = 0; i < plainGrads.Count; i++)
            TensorAssert.Close(plainGrads[i], fusedGrads[i], 2e-6, 2e-6, $"gradient {i}");
        TensorAssert.Close(plainStats, fusedStats, 1e-7, 1e-6, "moving statistics");
    }

    private static (float[] Out, List<float[]> Grads, float[] Stats) Run(string activation, bool training, bool fuse)
    {
        var model = new Sequential(
            [new Conv2D(3, 3, padding: Padding.Same), new BatchNormalization(momentum: 0.8f),
             new Activation(Activations.FromName(activation, 0.1f)), new Flatten(), new Dense(4)], seed: 3, inputShape: [2, 5, 5])
        {
            FuseBatchNorm = fuse,
        };
        var bn = (BatchNormalization)model.Layers[1];
        // Non-trivial γ, β so that the activation sees both signs.
        bn.Gamma.Assign([1.5f, 0.5f, -1f]);
        bn.Beta.Assign([0.2f, -0.3f, 0.1f]);
        bn.MovingMean.Assign([0.1f, -0.2f, 0.3f]);
        bn.MovingVariance.Assign([0.5f, 2f, 1f]);
        var x = Tensor.RandomNormal([6, 2, 5, 5], new Rng(11));
        x.RequiresGrad = true;
        var y = model.Call(x, training);
        y.Backward(Tensor.RandomNormal(y.Shape, new Rng(12)));
        var grads = new List<float[]> { x.Grad!.ToArray() };
        grads.AddRange(model.Weights.Where(w => w.Grad is not null).Select(w => w.Grad!.ToArray()));
        var stats = bn.MovingMean.ToArray().Concat(bn.MovingVariance.ToArray()).ToArray();
        return (y.ToArray(), grads, stats);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FunctionalResNet_FusedMatchesUnfused(bool training)
    {
        float[] Run(bool fuse, out float[] grad)
        {
            var m = Fovea.Models.Zoo.ResNet.ResNet18(classes: 5, inputShape: [3, 64, 64], seed: 2);
            m.FuseBatchNorm = fuse;
            var x = Tensor.RandomNormal([4, 3, 64, 64], new Rng(3));
            x.RequiresGrad = true;
            var y = m.Call(x, training);
            y.Backward(Tensor.RandomNormal(y.Shape, new Rng(4)));
            grad = x.Grad!.ToArray();
            return y.ToArray();
        }
        var fused = Run(true, out var fusedGrad);
        var plain = Run(false, out var plainGrad);
        // 17 BatchNorm+ReLU pairs in a row (the last stage normalises only 16 values per channel in training mode):
        // rounding differences compound through the network, so compare at 1e−4 of the largest magnitude.
        TensorAssert.Close(plain, fused, 1e-4 * plain.Max(Math.Abs), 0, "logits");
        TensorAssert.Close(plainGrad, fusedGrad, 1e-4 * plainGrad.Max(Math.Abs), 0, "input gradient");
    }
}
