using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Examples.Attention;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// Layer tracking as a user meets it: the walkthrough's <see cref="SEBlock"/> (Dense sub-layers in fields, created in
/// Build) inside a model shows its parameters in Summary, its kernels are in Model.Weights and train, and it saves,
/// loads and reseeds like a stock layer; sub-layers in lists and dictionaries are found with PyTorch-style paths.
/// </summary>
public sealed class LayerTrackingTests
{
    private static Sequential SeModel(int seed) => new(
        [
            new Conv2D(8, 3, padding: Padding.Same, name: "conv"),
            new SEBlock(ratio: 2, name: "se"),
            new GlobalAveragePooling2D(),
            new Dense(3, name: "head"),
        ],
        seed: seed);

    [Fact]
    public void SEBlockInAModel_HasItsDenseKernelsInWeightsAndSummary()
    {
        var model = SeModel(1);
        model.Build([1, 6, 6]);
        var names = model.NamedWeights().Select(kv => kv.Key).ToList();
        Assert.Contains("se.dense1.kernel", names);
        Assert.Contains("se.dense2.kernel", names);
        // conv 8·1·3·3 + 8, SE 8·4 + 4·8 (no bias), head 8·3 + 3
        Assert.Equal(80 + 64 + 27, model.ParameterCount);
        string summary = model.SummaryText();
        var seLine = summary.Split('\n').Single(l => l.Contains("se (SEBlock)"));
        Assert.Contains("64", seLine);
        Assert.Contains("171", summary);
    }

    [Fact]
    public void SEBlockInAModel_FitMovesItsDenseKernels()
    {
        var model = SeModel(2);
        var rng = new Rng(3);
        var x = Tensor.RandomNormal([16, 1, 6, 6], rng);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 3)).ToArray(), [16]);
        model.Compile(new Adam(1e-2), Losses.SparseCategoricalCrossentropy(fromLogits: true));
        model.Build([1, 6, 6]);
        var kernels = model.NamedWeights().Where(kv => kv.Key.StartsWith("se.", StringComparison.Ordinal))
            .Select(kv => kv.Value).ToList();
        Assert.Equal(2, kernels.Count);
        var before = kernels.Select(k => k.ToArray()).ToList();
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        for (int i = 0; i < kernels.Count; i++)
            Assert.NotEqual(before[i], kernels[i].ToArray());
    }

    [Fact]
    public void SEBlockInAModel_SavesAndLoadsWithItsSubLayerWeights()
    {
        var model = SeModel(4);
        var x = Tensor.RandomNormal([2, 1, 6, 6], new Rng(5));
        var expected = model.Predict(x).ToArray();
        string dir = Path.Combine(Path.GetTempPath(), "fovea-tracking-" + Guid.NewGuid().ToString("N"));
        try
        {
            model.Save(dir);
            var loaded = Model.Load(dir);   // SEBlock is found by its [RegisterLayer] mark
            Assert.Equal(model.NamedWeights().Select(kv => kv.Key), loaded.NamedWeights().Select(kv => kv.Key));
            Assert.Equal(expected, loaded.Predict(x).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SameSeed_SameSubLayerWeights_OtherSeed_Different()
    {
        static float[] SeKernel(int seed)
        {
            var model = SeModel(seed);
            model.Build([1, 6, 6]);
            return model.NamedWeights().Single(kv => kv.Key == "se.dense1.kernel").Value.ToArray();
        }
        Assert.Equal(SeKernel(7), SeKernel(7));
        Assert.NotEqual(SeKernel(7), SeKernel(8));
    }

    [Fact]
    public void FreezingABlock_FreezesItsSubLayers()
    {
        var model = SeModel(9);
        model.Build([1, 6, 6]);
        var se = model.Layers.Single(l => l.Name == "se");
        se.Trainable = false;
        Assert.All(se.Weights, w => Assert.False(w.Trainable));
        Assert.Equal(80 + 27, model.TrainableWeights.Sum(w => w.Length));
        se.Trainable = true;
        Assert.All(se.Weights, w => Assert.True(w.Trainable));
    }

    private sealed class Tower : Layer
    {
        private readonly List<Dense> _blocks = [new Dense(4), new Dense(4)];
        private readonly Dictionary<string, Dense> _heads = new() { ["cls"] = new Dense(2), ["box"] = new Dense(3) };
        private readonly Dense _shared;
        private readonly Dense _sharedAgain;

        public Tower() : base("tower")
        {
            _shared = new Dense(4);
            _sharedAgain = _shared;
        }

        protected override Tensor Forward(Tensor x, bool training)
        {
            foreach (var block in _blocks)
                x = block.Call(x);
            x = _sharedAgain.Call(_shared.Call(x));
            return Functional.Concat([_heads["cls"].Call(x), _heads["box"].Call(x)], 1);
        }
    }

    [Fact]
    public void ListsDictionariesAndSharedLayers_AreTrackedOnceWithPaths()
    {
        var tower = new Tower();
        var y = tower.Call(Tensor.RandomNormal([2, 5], new Rng(10)));
        Assert.Equal(new Shape(2, 5), y.Shape);
        // field order, list index, dictionary key; the shared layer once, under its first field
        Assert.Equal(
            ["blocks.0.kernel", "blocks.0.bias", "blocks.1.kernel", "blocks.1.bias", "heads.cls.kernel",
                "heads.cls.bias", "heads.box.kernel", "heads.box.bias", "shared.kernel", "shared.bias"],
            tower.NamedWeights().Select(kv => kv.Key));
        Assert.Equal(5, tower.SubLayers.Count);
        // (5·4 + 4) + (4·4 + 4) + shared (4·4 + 4) + heads (4·2 + 2) + (4·3 + 3)
        Assert.Equal(24 + 20 + 20 + 10 + 15, tower.ParameterCount);
    }
}
