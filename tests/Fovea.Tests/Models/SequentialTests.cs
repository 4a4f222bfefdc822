using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Models;

public sealed class SequentialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Small(int seed = 0) => new(
        [new Conv2D(4, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Relu),
         new MaxPooling2D(2), new Flatten(), new Dense(3, Activations.Softmax)], seed: seed, inputShape: [1, 6, 6]);

    [Fact]
    public void Add_NamesLayersLikeKeras()
    {
        var m = Small();
        Assert.Equal(["conv2d", "batch_normalization", "activation", "max_pooling2d", "flatten", "dense"],
            m.Layers.Select(l => l.Name));
        var twice = new Sequential(new Dense(2), new Dense(2));
        Assert.Equal(["dense", "dense_1"], twice.Layers.Select(l => l.Name));
    }

    [Fact]
    public void SameSeed_SameInitialWeights_DifferentSeed_Different()
    {
        Assert.Equal(Small(1).Weights[0].ToArray(), Small(1).Weights[0].ToArray());
        Assert.NotEqual(Small(1).Weights[0].ToArray(), Small(2).Weights[0].ToArray());
    }

    [Fact]
    public void Summary_ListsLayersShapesAndCounts()
    {
        string s = ReferenceCnn.Create(inputShape: [1, 28, 28]).SummaryText();
        Assert.Contains("conv2d (Conv2D)", s);
        Assert.Contains("(None, 32, 28, 28)", s);
        Assert.Contains("(None, 10)", s);
        // PyTorch counts 157,290 parameters for this network; BatchNorm's moving statistics (2 × 320) are
        // non-trainable weights in Keras terms, and so is the batch count of each of the 5 BatchNormalization layers
        // (PyTorch's num_batches_tracked buffer).
        Assert.Contains("Total params: 157,935", s);
        Assert.Contains("Trainable params: 157,290", s);
        Assert.Contains("Non-trainable params: 645", s);
    }

    [Fact]
    public void SaveLoad_RoundTripsConfigWeightsAndPredictions()
    {
        var m = Small(3);
        var x = Tensor.RandomNormal([5, 1, 6, 6], new Rng(4));
        var before = m.Predict(x).ToArray();
        m.Save(_dir);
        var loaded = Model.Load(_dir);
        Assert.Equal(m.GetConfig().ToJsonString(), loaded.GetConfig().ToJsonString());
        Assert.Equal(before, loaded.Predict(x).ToArray());
    }

    [Fact]
    public void LoadWeights_ShapeMismatch_NamesTensorAndBothShapes()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        Small().SaveWeights(path);
        var other = new Sequential(
            [new Conv2D(5, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Relu),
             new MaxPooling2D(2), new Flatten(), new Dense(3, Activations.Softmax)], inputShape: [1, 6, 6]);
        var e = Assert.Throws<FoveaException>(() => other.LoadWeights(path));
        Assert.Equal($"'{path}': tensor 'conv2d.kernel' has shape [4, 1, 3, 3], the model expects [5, 1, 3, 3]", e.Message);
    }

    [Fact]
    public void LoadWeights_MissingTensor_NamesIt()
    {
        string path = Path.Combine(_dir, "w2.safetensors");
        new Sequential([new Dense(3)], inputShape: [4]).SaveWeights(path);
        var bigger = new Sequential([new Dense(3), new Dense(2)], inputShape: [4]);
        var e = Assert.Throws<FoveaException>(() => bigger.LoadWeights(path));
        Assert.Contains("'dense_1.kernel'", e.Message);
    }

    [Fact]
    public void Fit_NotCompiled_SaysSo()
    {
        var e = Assert.Throws<FoveaException>(() => Small().Fit(Tensor.Zeros([2, 1, 6, 6]), Tensor.Zeros([2]), verbose: 0));
        Assert.Contains("Compile", e.Message);
    }

    [Fact]
    public void Fit_LearnsSeparableProblem_AndLogsHistory()
    {
        var (x, y) = Separable();
        var m = Small(5);
        m.Compile(new Adam(0.01), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        var h = m.Fit(x, y, epochs: 8, batchSize: 32, validationSplit: 0.25, verbose: 0);
        Assert.Equal(8, h.Epochs.Count);
        Assert.True(h["val_accuracy"][^1] > 0.9, $"val accuracy {h["val_accuracy"][^1]}");
        Assert.True(h["loss"][^1] < h["loss"][0]);
        Assert.Equal(0.01, h["learning_rate"][0], 6);
    }

    [Fact]
    public void Fit_AugmentingPrefetchingLoader_LearnsWithSoftLabels()
    {
        // Vertical flips keep the brighter half; MixUp turns the labels into soft rows [B, 3] (the model has
        // 3 outputs).
        var (x, y) = Separable();
        var (train, validation) = new Dataset(x, y).Split(0.75, seed: 0, stratified: true);
        var loader = new DataLoader(train, batchSize: 32, seed: 1,
            transform: new RandomFlip(horizontal: false, vertical: true),
            batchTransform: new MixUp(alpha: 0.2, classes: 3), prefetch: 2);
        var m = Small(5);
        m.Compile(new Adam(0.01), Losses.CategoricalCrossentropy(), [Metrics.Accuracy]);

        var h = m.Fit(loader, epochs: 8, validationData: validation, verbose: 0);

        Assert.Equal(8, h.Epochs.Count);
        Assert.True(h["val_accuracy"][^1] > 0.9, $"val accuracy {h["val_accuracy"][^1]}");
        Assert.False(loader.IsPrefetching);
    }

    /// <summary>Class = which half of the image is brighter: learnable by this tiny network in a few epochs.
    /// </summary>
    private static (Tensor X, Tensor Y) Separable()
    {
        var rng = new Rng(9);
        int n = 256;
        var x = Tensor.RandomNormal([n, 1, 6, 6], rng, 0f, 0.5f);
        var y = Tensor.Zeros([n]);
        for (int i = 0; i < n; i++)
        {
            int label = i % 2;
            y[i] = label;
            for (int r = 0; r < 6; r++)
            for (int c = label * 3; c < label * 3 + 3; c++)
                x[i, 0, r, c] += 1.5f;
        }
        return (x, y);
    }
}
