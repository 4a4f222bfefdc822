using Fovea.Autograd;
using Fovea.IO;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// The moving statistics of <see cref="BatchNormalization"/> warm up without start-up bias: the t-th training batch
/// updates them with momentum min(m, 1 − 1/t), so they are the plain average of the batches until 1/(1 − m) batches,
/// then Keras' m·moving + (1 − m)·batch. Expected values are written inline (batches of one channel, four values) or
/// computed from the formula in double; PyTorch's momentum=None is the oracle in <c>BatchNormWarmupGoldenTests</c>.
/// </summary>
public sealed class BatchNormalizationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-bn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Batches [4, 1] with hand-computable statistics: mean, unbiased variance.</summary>
    private static readonly float[][] s_batches =
    [
        [1, 2, 3, 6],   // mean 3, Σ(x − 3)² = 4 + 1 + 0 + 9 = 14, unbiased variance 14/3
        [0, 2, 4, 2],   // mean 2, Σ(x − 2)² = 8, unbiased variance 8/3
        [5, 5, 5, 9],   // mean 6, Σ(x − 6)² = 1 + 1 + 1 + 9 = 12, unbiased variance 4
        [-1, 1, 3, 1],  // mean 1, Σ(x − 1)² = 8, unbiased variance 8/3
    ];

    private static void Train(BatchNormalization bn, float[] batch) =>
        bn.Call(Tensor.FromArray(batch, [batch.Length, 1]), training: true);

    [Fact]
    public void Warmup_FirstBatchesAreAveraged()
    {
        var bn = new BatchNormalization();   // momentum 0.99: a window of 100 batches
        Train(bn, s_batches[0]);
        // The first update takes the batch statistics as they are (the initial 0 and 1 are gone).
        Assert.Equal(3f, bn.MovingMean[0], 6);
        Assert.Equal(14f / 3, bn.MovingVariance[0], 5);
        Assert.Equal(1f, bn.BatchesTracked[0]);
        Train(bn, s_batches[1]);
        Assert.Equal((3f + 2) / 2, bn.MovingMean[0], 6);
        Assert.Equal((14f / 3 + 8f / 3) / 2, bn.MovingVariance[0], 5);
        Train(bn, s_batches[2]);
        Assert.Equal((3f + 2 + 6) / 3, bn.MovingMean[0], 5);
        Assert.Equal((14f / 3 + 8f / 3 + 4) / 3, bn.MovingVariance[0], 5);
        Assert.Equal(3f, bn.BatchesTracked[0]);
    }

    [Fact]
    public void Warmup_AfterTheWindow_KerasRule()
    {
        var bn = new BatchNormalization(momentum: 0.5f);   // window 1/(1 − 0.5) = 2 batches
        Train(bn, s_batches[0]);
        Train(bn, s_batches[1]);
        Assert.Equal(2.5f, bn.MovingMean[0], 6);
        Assert.Equal(0.5f, bn.EffectiveMomentum);
        Train(bn, s_batches[2]);
        // The third batch: 0.5 · 2.5 + 0.5 · 6, not the average of three (11/3).
        Assert.Equal(4.25f, bn.MovingMean[0], 6);
        Assert.Equal(0.5f * (11f / 3) + 0.5f * 4, bn.MovingVariance[0], 5);
        Train(bn, s_batches[3]);
        Assert.Equal(0.5f * 4.25f + 0.5f * 1, bn.MovingMean[0], 6);
    }

    [Fact]
    public void EffectiveMomentum_FollowsMinOfMomentumAndOneMinusOneOverT()
    {
        var bn = new BatchNormalization();
        bn.Call(Tensor.Zeros([2, 3]));
        float[] expected = [0f, 1f / 2, 2f / 3, 3f / 4];
        for (int t = 0; t < expected.Length; t++)
        {
            bn.BatchesTracked.Assign([t]);
            Assert.Equal(expected[t], bn.EffectiveMomentum, 6);
        }
        bn.BatchesTracked.Assign([98]);
        Assert.True(bn.EffectiveMomentum < 0.99f);
        bn.BatchesTracked.Assign([99]);   // the 100th batch: 1 − 1/100 = 0.99, the window has filled
        Assert.Equal(0.99f, bn.EffectiveMomentum);
        bn.BatchesTracked.Assign([5000]);
        Assert.Equal(0.99f, bn.EffectiveMomentum);
        bn.MarkWarmedUp();
        Assert.Equal(0.99f, bn.EffectiveMomentum);

        var fixedStatistics = new BatchNormalization(momentum: 1f);
        fixedStatistics.Call(Tensor.Zeros([2, 3]));
        Assert.Equal(1f, fixedStatistics.EffectiveMomentum);
        var batchOnly = new BatchNormalization(momentum: 0f);
        batchOnly.Call(Tensor.Zeros([2, 3]));
        Assert.Equal(0f, batchOnly.EffectiveMomentum);
    }

    /// <summary>Once warmed up, the update is bit for bit the old one: Functional.BatchNorm with the
    /// momentum.</summary>
    [Theory]
    [InlineData(99f)]
    [InlineData(BatchNormalization.WarmedUpCount)]
    public void WarmedUp_UpdateIsExactlyKeras(float count)
    {
        var x = Tensor.RandomNormal([8, 3, 4, 4], new Rng(5));
        var bn = new BatchNormalization();
        bn.Call(x);
        bn.MovingMean.Assign([0.3f, -0.1f, 0.7f]);
        bn.MovingVariance.Assign([0.9f, 1.7f, 0.4f]);
        bn.BatchesTracked.Assign([count]);
        var mean = Tensor.FromArray(bn.MovingMean.ToArray(), [3]);
        var variance = Tensor.FromArray(bn.MovingVariance.ToArray(), [3]);
        using (GradMode.NoGrad())
        {
            bn.Call(x, training: true);
            Functional.BatchNorm(x, bn.Gamma, bn.Beta, mean, variance, training: true, momentum: 0.99f);
        }
        Assert.Equal(mean.ToArray(), bn.MovingMean.ToArray());
        Assert.Equal(variance.ToArray(), bn.MovingVariance.ToArray());
        Assert.Equal(Math.Min(count + 1, BatchNormalization.WarmedUpCount), bn.BatchesTracked[0]);
    }

    [Fact]
    public void InferenceAndFrozen_DoNotCount()
    {
        var bn = new BatchNormalization();
        bn.Call(Tensor.FromArray(s_batches[0], [4, 1]));
        Assert.Equal(0f, bn.BatchesTracked[0]);
        bn.Trainable = false;
        Train(bn, s_batches[0]);
        Assert.Equal(0f, bn.BatchesTracked[0]);
        Assert.Equal(0f, bn.MovingMean[0]);
        Assert.False(bn.BatchesTracked.Trainable);
    }

    private static Sequential SmallModel(bool fuse) =>
        new([new Conv2D(3, 3, padding: Padding.Same), new BatchNormalization(momentum: 0.75f), new ReLU(),
             new Flatten(), new Dense(2)], seed: 4, inputShape: [2, 5, 5])
        {
            FuseBatchNorm = fuse,
        };

    /// <summary>Six training batches, across the window of 4: the fused and the plain path keep the same statistics
    /// (1e−6: the fused pass rounds x·scale + shift once where the plain one rounds twice, see BatchNormFusionTests).
    /// </summary>
    [Fact]
    public void FusedAndUnfused_SameStatisticsThroughTheWarmup()
    {
        var (fused, plain) = (SmallModel(fuse: true), SmallModel(fuse: false));
        var rng = new Rng(9);
        for (int step = 0; step < 6; step++)
        {
            var x = Tensor.RandomNormal([6, 2, 5, 5], rng);
            fused.Call(x, training: true);
            plain.Call(x, training: true);
            var (a, b) = ((BatchNormalization)fused.Layers[1], (BatchNormalization)plain.Layers[1]);
            Assert.Equal(step + 1, a.BatchesTracked[0]);
            Assert.Equal(step + 1, b.BatchesTracked[0]);
            TensorAssert.Close(b.MovingMean.ToArray(), a.MovingMean.ToArray(), 1e-6, 1e-6, $"mean after {step + 1}");
            TensorAssert.Close(b.MovingVariance.ToArray(), a.MovingVariance.ToArray(), 1e-6, 1e-6,
                $"variance after {step + 1}");
        }
    }

    [Fact]
    public void SaveLoad_KeepsTheCount()
    {
        var model = SmallModel(fuse: true);
        for (int step = 0; step < 3; step++)
            model.Call(Tensor.RandomNormal([6, 2, 5, 5], new Rng(step)), training: true);
        model.Save(_dir);
        var loaded = (BatchNormalization)Model.Load(_dir).Layers[1];
        var bn = (BatchNormalization)model.Layers[1];
        Assert.Equal(3f, loaded.BatchesTracked[0]);
        Assert.Equal(bn.MovingMean.ToArray(), loaded.MovingMean.ToArray());
        Assert.Equal(bn.EffectiveMomentum, loaded.EffectiveMomentum);
    }

    /// <summary>A model saved before the count existed: its statistics load and count as warmed up.</summary>
    [Fact]
    public void LoadWithoutCount_TreatedAsWarmedUp()
    {
        var model = SmallModel(fuse: true);
        model.Call(Tensor.RandomNormal([6, 2, 5, 5], new Rng(1)), training: true);
        model.Save(_dir);
        string weights = Path.Combine(_dir, Model.WeightsFileName);
        var (tensors, metadata) = Safetensors.Load(weights);
        var old = tensors.Where(kv => !kv.Key.EndsWith(".batches_tracked", StringComparison.Ordinal)).ToList();
        Assert.Equal(tensors.Count - 1, old.Count);
        Safetensors.Save(weights, old, metadata.ToDictionary(kv => kv.Key, kv => kv.Value));

        var loaded = (BatchNormalization)Model.Load(_dir).Layers[1];
        Assert.Equal(BatchNormalization.WarmedUpCount, loaded.BatchesTracked[0]);
        Assert.Equal(0.75f, loaded.EffectiveMomentum);
        Assert.Equal(((BatchNormalization)model.Layers[1]).MovingMean.ToArray(), loaded.MovingMean.ToArray());
    }
}
