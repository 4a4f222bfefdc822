using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// <see cref="MultiHeadAttention"/> beyond the PyTorch goldens (<c>Golden/MultiHeadAttentionGoldenTests</c>): the
/// layer contract, finite differences through a mask, the functional API with several inputs, masking and dropout
/// behaviour, Keras's weight shapes and initial scale, and errors.
/// </summary>
public sealed class MultiHeadAttentionTests
{
    [Fact]
    public void SelfAttention_KeepsContract() =>
        // 4 projections of 8·2·4 weights + 8 biases each (Wo [2, 4, 8] + bo [8] is the same count)
        NewLayerContract.Check(() => new MultiHeadAttention(2, 4), [2, 5, 8], [2, 5, 8], 4 * (64 + 8), seed: 11);

    [Fact]
    public void CrossAttention_MaskedMatchesFiniteDifferences()
    {
        var rng = new Rng(12);
        var layer = new MultiHeadAttention(2, 3, valueDim: 2, outputShape: 5);
        var query = Tensor.RandomNormal([2, 3, 4], rng);
        var value = Tensor.RandomNormal([2, 4, 3], rng);
        var key = Tensor.RandomNormal([2, 4, 2], rng);
        var mask = Tensor.Wrap(Enumerable.Range(0, 24).Select(i => i % 3 == 1 ? 0f : 1f).ToArray(), [2, 3, 4]);
        using (GradMode.NoGrad())
            layer.Call(query, value, key, mask);
        Tensor[] inputs = [query, value, key, .. layer.Weights];
        GradCheck.Assert(t => layer.Call(t[0], t[1], t[2], mask, training: true), inputs, eps: 1e-2f, atol: 2e-3,
            rtol: 2e-2);
    }

    [Fact]
    public void FunctionalModel_TwoInputs_GivesTheDirectCall()
    {
        var q = Input.Create([3, 6], "query");
        var v = Input.Create([5, 4], "value");
        var mha = new MultiHeadAttention(2, 3, name: "mha");
        var model = new Model([q, v], new Dense(2).Call(mha.Call(q, v)));
        var rng = new Rng(13);
        var (xq, xv) = (Tensor.RandomNormal([2, 3, 6], rng), Tensor.RandomNormal([2, 5, 4], rng));
        var y = model.Run([xq, xv])[0];
        Assert.Equal(new Shape(2, 3, 2), y.Shape);
        var dense = (Dense)model.Layers.Single(l => l is Dense);
        Assert.Equal(y.ToArray(), dense.Call(mha.Call(xq, xv)).ToArray());
        Assert.Equal(8, mha.Weights.Count);
        Assert.Contains(mha.QueryKernel, model.Weights);
    }

    [Fact]
    public void Mask_RowsSumToOneAndFullyMaskedRowIsUniform()
    {
        var rng = new Rng(14);
        var x = Tensor.RandomNormal([1, 3, 4], rng);
        var mask = Tensor.Wrap([1, 0, 1, 0, 0, 0, 1, 1, 1], [1, 3, 3]);
        var (_, scores) = new MultiHeadAttention(2, 2).CallWithScores(x, x, attentionMask: mask);
        Assert.Equal(new Shape(1, 2, 3, 3), scores.Shape);
        var s = scores.ToArray();
        for (int h = 0; h < 2; h++)
        {
            int row = h * 9;
            Assert.Equal(0f, s[row + 1]);
            Assert.Equal(1f, s[row] + s[row + 2], 1e-6f);
            Assert.All(s[(row + 3)..(row + 6)], p => Assert.Equal(1f / 3, p, 1e-6f));
            Assert.Equal(1f, s[row + 6] + s[row + 7] + s[row + 8], 1e-6f);
        }
    }

    [Fact]
    public void Dropout_ActsInTrainingOnlyAndScoresAreTakenBeforeIt()
    {
        var rng = new Rng(15);
        var x = Tensor.RandomNormal([2, 6, 8], rng);
        var plain = new MultiHeadAttention(2, 4);
        var dropped = new MultiHeadAttention(2, 4, dropout: 0.5);
        using (GradMode.NoGrad())
        {
            plain.Call(x);
            dropped.Call(x);
            for (int i = 0; i < plain.Weights.Count; i++)
                dropped.Weights[i].Assign(plain.Weights[i].AsReadOnlySpan());
            Assert.Equal(plain.Call(x, training: true).ToArray(), dropped.Call(x, training: false).ToArray());
            var (yTrain, scores) = dropped.CallWithScores(x, x, training: true);
            var (yPlain, plainScores) = plain.CallWithScores(x, x, training: true);
            Assert.NotEqual(yPlain.ToArray(), yTrain.ToArray());
            Assert.Equal(plainScores.ToArray(), scores.ToArray());
        }
    }

    [Fact]
    public void Weights_HaveKerasShapesAndGlorotScaleOfKerasFans()
    {
        var m = new MultiHeadAttention(4, 16, valueDim: 8, outputShape: 10);
        var q = Tensor.Zeros([1, 2, 32]);
        var v = Tensor.Zeros([1, 3, 24]);
        m.Call(q, v);
        Assert.Equal(new Shape(32, 4, 16), m.QueryKernel.Shape);
        Assert.Equal(new Shape(4, 16), m.QueryBias!.Shape);
        Assert.Equal(new Shape(24, 4, 16), m.KeyKernel.Shape);
        Assert.Equal(new Shape(24, 4, 8), m.ValueKernel.Shape);
        Assert.Equal(new Shape(4, 8, 10), m.OutputKernel.Shape);
        Assert.Equal(new Shape(10), m.OutputBias!.Shape);
        // Keras: fan_in = shape[-2]·prod(shape[:-2]), fan_out = shape[-1]·prod(shape[:-2]); limit √(6/(in + out)).
        double limit = Math.Sqrt(6.0 / (4 * 32 + 16 * 32));
        var w = m.QueryKernel.ToArray();
        Assert.All(w, x => Assert.True(Math.Abs(x) <= limit));
        Assert.True(w.Max(Math.Abs) > 0.9 * limit, $"largest |w| {w.Max(Math.Abs)} far below the limit {limit}");
    }

    [Fact]
    public void WrongShapes_NameLayerAndShapes()
    {
        var m = new MultiHeadAttention(2, 2, name: "att");
        var e = Assert.Throws<FoveaException>(() => m.Call(Tensor.Zeros([2, 4]), Tensor.Zeros([2, 3, 4])));
        Assert.Contains("MultiHeadAttention 'att'", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        e = Assert.Throws<FoveaException>(() => m.Call(Tensor.Zeros([2, 3, 4]), Tensor.Zeros([2, 5, 4]),
            attentionMask: Tensor.Ones([2, 3, 4])));
        Assert.Contains("[2, 3, 5]", e.Message);
        Assert.Contains("received [2, 3, 4]", e.Message);
        m.Call(Tensor.Zeros([2, 3, 4]), Tensor.Zeros([2, 5, 4]));
        e = Assert.Throws<FoveaException>(() => m.Call(Tensor.Zeros([2, 3, 6]), Tensor.Zeros([2, 5, 4])));
        Assert.Contains("query [B, ·, 4]", e.Message);
    }
}
