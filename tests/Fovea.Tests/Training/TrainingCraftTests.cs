using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

/// <summary>Gradient clipping, the weight average, TerminateOnNaN and stochastic depth.</summary>
public class TrainingCraftTests
{
    [Fact]
    public void ClipNorm_RescalesAllGradientsToTheGlobalNorm()
    {
        var a = new Parameter("a", [2]) { Grad = Tensor.FromArray(3f, 0f) };
        var b = new Parameter("b", [1]) { Grad = Tensor.FromArray(4f) };
        var sgd = new Sgd(1.0) { ClipNorm = 1.0 };
        sgd.Step([a, b]);
        Assert.Equal(5.0, sgd.LastGradientNorm, 6);
        // global norm 5 → scale 1/5: updates −0.6, 0, −0.8
        Assert.Equal(-0.6f, a.ToArray()[0], 5);
        Assert.Equal(-0.8f, b.ToArray()[0], 5);
    }

    [Fact]
    public void ClipValue_ClampsEachElement()
    {
        var a = new Parameter("a", [3]) { Grad = Tensor.FromArray(-5f, 0.2f, 7f) };
        new Sgd(1.0) { ClipValue = 0.5 }.Step([a]);
        Assert.Equal([0.5f, -0.2f, -0.5f], a.ToArray());
    }

    private static (Sequential Model, Tensor X, Tensor Y) Tiny(int seed)
    {
        var model = new Sequential([new Dense(4, Activations.Relu), new Dense(2, Activations.Softmax)], seed: seed, inputShape: [3]);
        var rng = new Rng(seed);
        var x = Tensor.RandomNormal([32, 3], rng);
        var y = Tensor.Zeros([32]);
        for (int i = 0; i < 32; i++)
            y[i] = x[i, 0] > 0 ? 1 : 0;
        return (model, x, y);
    }

    [Fact]
    public void ExponentialMovingAverage_AppliesTheAverageAtTheEnd()
    {
        var (model, x, y) = Tiny(1);
        model.Compile(new Sgd(0.1), Losses.SparseCategoricalCrossentropy());
        var w0 = model.Weights[0].ToArray();
        var seen = new List<float[]>();
        var record = new ProgressCallback(_ => seen.Add(model.Weights[0].ToArray()));
        var ema = new ExponentialMovingAverage(decay: 0.5, useForValidation: false);
        model.Fit(x, y, epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: [record, ema]);
        // Recompute the average by hand: d_n = min(0.5, (1 + n)/(10 + n)) = 0.5 once n ≥ 8; here n ≤ 4, so (1+n)/(10+n).
        var expected = (float[])w0.Clone();
        for (int n = 1; n <= seen.Count; n++)
        {
            float d = (float)Math.Min(0.5, (1.0 + n) / (10.0 + n));
            for (int i = 0; i < expected.Length; i++)
                expected[i] = d * expected[i] + (1 - d) * seen[n - 1][i];
        }
        TensorAssert.Close(expected, model.Weights[0].ToArray(), 1e-6, 1e-5, "EMA weights");
    }

    [Fact]
    public void TerminateOnNaN_StopsAndKeepsTheLastGoodWeights()
    {
        var (model, x, y) = Tiny(2);
        x[20, 1] = float.NaN; // batch 3 of 4 (no shuffling) produces a NaN loss
        model.Compile(new Sgd(0.1), Losses.SparseCategoricalCrossentropy());
        var terminate = new TerminateOnNaN();
        var after = new List<float[]>();
        var record = new ProgressCallback(_ => after.Add(model.Weights[0].ToArray()));
        var history = model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: false, verbose: 0, callbacks: [record, terminate]);
        Assert.True(model.StopTraining);
        Assert.Contains("epoch 1, batch 3", terminate.Message);
        Assert.Empty(history.Epochs);
        Assert.Equal(2, after.Count);
        Assert.Equal(after[^1], model.Weights[0].ToArray());
        Assert.All(model.Weights[0].ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void NaNLossWithoutTerminateOnNaN_ThrowsClearError()
    {
        var (model, x, y) = Tiny(3);
        x[0, 0] = float.PositiveInfinity;
        model.Compile(new Sgd(0.1), Losses.SparseCategoricalCrossentropy());
        var e = Assert.Throws<FoveaException>(() => model.Fit(x, y, epochs: 1, batchSize: 8, shuffle: false, verbose: 0));
        Assert.Contains("loss became", e.Message);
    }

    [Fact]
    public void DropPath_DropsWholeSamplesAndScalesTheRest()
    {
        var x = Tensor.Ones([1000, 3]);
        var y = Fovea.Autograd.Functional.DropPath(x, 0.2f, training: true, new Rng(4));
        int dropped = 0;
        for (int i = 0; i < 1000; i++)
        {
            var row = y.ToArray().AsSpan(i * 3, 3).ToArray();
            Assert.True(row.All(v => v == 0f) || row.All(v => v == 1.25f));
            dropped += row[0] == 0 ? 1 : 0;
        }
        Assert.InRange(dropped, 160, 240); // 200 expected, σ ≈ 12.6
        GradCheck.Assert(t => Fovea.Autograd.Functional.DropPath(t[0], 0.5f, true, new Rng(9)), [Tensor.RandomNormal([6, 2], new Rng(5))]);
    }
}
