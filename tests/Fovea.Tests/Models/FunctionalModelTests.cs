using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Models;

public sealed class FunctionalModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-functional-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small residual network: stem, one residual block with Add, a concatenated side branch, a head.</summary>
    private static Model Residual(int seed = 0)
    {
        var inputs = Input.Create([2, 8, 8], "image");
        var stem = new Conv2D(4, 3, padding: Padding.Same, name: "stem").Call(inputs);
        var x = new BatchNormalization(name: "bn1").Call(stem);
        x = new ReLU(name: "relu1").Call(x);
        x = new Conv2D(4, 3, padding: Padding.Same, name: "conv2").Call(x);
        x = new Add(name: "residual").Call([x, stem]);
        var side = new Conv2D(2, 1, name: "side").Call(inputs);
        x = new Concatenate(name: "concat").Call([x, side]);
        x = new GlobalAveragePooling2D(name: "pool").Call(x);
        var outputs = new Dense(3, Activations.Softmax, name: "head").Call(x);
        return new Model(inputs, outputs, "residual_net", seed);
    }

    [Fact]
    public void SymbolicCalls_GiveShapesAndRecordLayersInOrder()
    {
        var m = Residual();
        Assert.Equal(["stem", "bn1", "relu1", "conv2", "residual", "side", "concat", "pool", "head"], m.Layers.Select(l => l.Name));
        Assert.Equal(new Shape(6, 8, 8), m.GetLayer("concat").Output.Shape);
        Assert.Equal(new Shape(3), m.Outputs[0].Shape);
        Assert.Equal("Functional", m.TypeName);
    }

    [Fact]
    public void Call_MatchesManualComposition()
    {
        var m = Residual();
        var x = Tensor.RandomNormal([3, 2, 8, 8], new Rng(1));
        var y = m.Predict(x);
        using var _ = GradMode.NoGrad();
        var stem = m.GetLayer("stem").Call(x);
        var h = m.GetLayer("conv2").Call(m.GetLayer("relu1").Call(m.GetLayer("bn1").Call(stem)));
        h = Functional.AddN([h, stem]);
        h = Functional.Concat([h, m.GetLayer("side").Call(x)], 1);
        var expected = m.GetLayer("head").Call(Functional.GlobalAvgPool(h));
        TensorAssert.Close(expected.ToArray(), y.ToArray(), 1e-6, 1e-5, "functional vs manual");
    }

    [Fact]
    public void Fit_TrainsAndSaveLoadRoundTrips()
    {
        var m = Residual(2);
        var rng = new Rng(3);
        var x = Tensor.RandomNormal([64, 2, 8, 8], rng);
        var y = Tensor.Zeros([64]);
        for (int i = 0; i < 64; i++)
            y[i] = i % 3;
        m.Compile(new Adam(0.01), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        var h = m.Fit(x, y, epochs: 5, batchSize: 16, verbose: 0);
        Assert.True(h["loss"][^1] < h["loss"][0]);
        m.Save(_dir);
        var loaded = Model.Load(_dir);
        Assert.Equal(m.GetConfig().ToJsonString(), loaded.GetConfig().ToJsonString());
        Assert.Equal(m.Predict(x).ToArray(), loaded.Predict(x).ToArray());
    }

    [Fact]
    public void FrozenBase_NewHead_OnlyHeadTrains_AndBaseBatchNormKeepsStatistics()
    {
        var baseModel = Residual(4);
        var features = new Model(baseModel.Inputs, baseModel.GetLayer("pool").Output, "features");
        features.Trainable = false;
        var inputs = Input.Create([2, 8, 8]);
        var z = features.Call(inputs, training: false);
        var outputs = new Dense(2, Activations.Softmax, name: "new_head").Call(z);
        var model = new Model(inputs, outputs, "transfer");
        var frozenBefore = features.Weights.Select(w => w.ToArray()).ToList();
        var x = Tensor.RandomNormal([32, 2, 8, 8], new Rng(5));
        var y = Tensor.Zeros([32]);
        for (int i = 0; i < 32; i++)
            y[i] = i % 2;
        model.Compile(new Adam(0.01), Losses.SparseCategoricalCrossentropy());
        var headBefore = model.GetLayer("new_head").Weights[0].ToArray();
        model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        for (int i = 0; i < frozenBefore.Count; i++)
            Assert.Equal(frozenBefore[i], features.Weights[i].ToArray());
        Assert.NotEqual(headBefore, model.GetLayer("new_head").Weights[0].ToArray());
        Assert.Equal(6 * 2 + 2, model.TrainableWeights.Sum(w => w.Length)); // only the new head: 6 features → 2 classes
    }

    [Fact]
    public void SequentialInsideFunctional_Works()
    {
        var block = new Sequential([new Conv2D(3, 3, padding: Padding.Same), new ReLU()], name: "block");
        var inputs = Input.Create([1, 5, 5]);
        var x = block.Call(inputs);
        x = new Flatten().Call(x);
        var model = new Model(inputs, new Dense(2).Call(x));
        Assert.Equal(new Shape(4, 2), model.Predict(Tensor.Zeros([4, 1, 5, 5])).Shape);
        Assert.Contains(model.NamedWeights(), kv => kv.Key == "block.conv2d.kernel");
        model.Save(_dir);
        Assert.Equal(model.GetConfig().ToJsonString(), Model.Load(_dir).GetConfig().ToJsonString());
    }

    [Fact]
    public void OutputNotReachableFromInputs_ClearError()
    {
        var a = Input.Create([3], "a");
        var b = Input.Create([3], "b");
        var y = new Add().Call([new Dense(3).Call(a), b]);
        var e = Assert.Throws<FoveaException>(() => new Model(a, y));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void WrongInputShape_ErrorNamesModelAndShapes()
    {
        var m = Residual();
        var e = Assert.Throws<FoveaException>(() => m.Predict(Tensor.Zeros([2, 3, 8, 8])));
        Assert.Equal("model 'residual_net': expected input 0 of shape [N, 2, 8, 8], received [2, 3, 8, 8]", e.Message);
    }
}
