using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>Imported models are ordinary functional models: named layers, trainable weights, Fit, Save/Load.</summary>
public sealed class OnnxTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-onnx-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SmallCnn_ImportsAsFoveaLayersNamedAfterNodes()
    {
        var model = OnnxImporter.Load(OnnxModelBuilder.SmallCnn().Bytes(), "cnn.onnx");
        Assert.IsType<Conv2D>(model.GetLayer("conv"));
        Assert.IsType<BatchNormalization>(model.GetLayer("bn"));
        Assert.IsType<ReLU>(model.GetLayer("relu"));
        Assert.IsType<Dense>(model.GetLayer("fc"));
        Assert.Equal(4 * 2 * 9 + 4 + 3 * 64 + 3, model.TrainableWeights.Sum(w => w.Length) - 8);
        Assert.Equal(new Shape(3), model.Outputs[0].Shape);
        Assert.Contains("conv (Conv2D)", model.SummaryText());
    }

    [Fact]
    public void ImportedModel_FitsWithAnotherBatchSize_LossFallsAndWeightsChange()
    {
        var model = OnnxImporter.Load(OnnxModelBuilder.SmallCnn().Bytes(), "cnn.onnx");
        var rng = new Rng(2);
        var x = Tensor.RandomNormal([48, 2, 8, 8], rng);
        var y = Tensor.Zeros([48]);
        for (int i = 0; i < 48; i++)
        {
            int label = i % 3;
            y[i] = label;
            x[i, label % 2, label, label] += 3f; // a learnable signal
        }
        var before = model.GetLayer("conv").Weights[0].ToArray();
        model.Compile(new Adam(0.01), Losses.SparseCategoricalCrossentropy(fromLogits: true));
        var history = model.Fit(x, y, epochs: 4, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss {history["loss"][0]} → {history["loss"][^1]}");
        Assert.NotEqual(before, model.GetLayer("conv").Weights[0].ToArray());
    }

    [Fact]
    public void ImportedModel_SavesAndLoads()
    {
        var builder = new OnnxModelBuilder(13).Input("x", 1, 3, 6, 6)
            .Initializer("w", [4, 3, 3, 3]).Initializer("pos", [1, 4, 1, 1])
            .Node("Conv", ["x", "w"], ["c"], "conv", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Add", ["c", "pos"], ["a"], "add_pos")
            .Node("Resize", ["a", "", "scales"], ["r"], "up", ("mode", "linear"))
            .Initializer("scales", [4], values: [1f, 1f, 2f, 2f])
            .Node("ReduceMean", ["r"], ["m"], "mean", ("axes", new long[] { 2, 3 }), ("keepdims", 0))
            .Output("m");
        var model = OnnxImporter.Load(builder.Bytes(), "small.onnx");
        Assert.IsType<OnnxOp>(model.GetLayer("add_pos"));
        Assert.True(model.GetLayer("add_pos").Weights[0].Trainable);
        model.Save(_dir);
        var loaded = Model.Load(_dir);
        var x = Tensor.RandomNormal([2, 3, 6, 6], new Rng(3));
        Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
    }
}
