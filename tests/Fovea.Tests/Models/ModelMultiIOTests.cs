using Fovea.Autograd;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Tests.Golden;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Models;

/// <summary>
/// Fit, Evaluate and Predict of a model with two inputs (an image and tabular features) and two outputs (class
/// logits and a 2-value regression), by position and by name. One step is checked against PyTorch
/// (<c>tools/golden/make_multi_io.py</c>); the weighted total and the per-output metrics against a computation by
/// hand from <see cref="Model.Run"/>.
/// </summary>
public sealed class ModelMultiIOTests(ITestOutputHelper output)
{
    private const int N = 48;

    internal static Model TwoInTwoOut(int seed = 0)
    {
        using var seeded = Layer.Seeded(seed);   // the weights are made during the symbolic calls
        var image = Input.Create([1, 6, 6], "image");
        var features = Input.Create([4], "features");
        var a = new Conv2D(3, 3, name: "conv").Call(image);
        a = new ReLU(name: "relu").Call(a);
        a = new GlobalAveragePooling2D(name: "pool").Call(a);
        var b = new Dense(5, Activations.Tanh, name: "hidden").Call(features);
        var h = new Concatenate(name: "concat").Call([a, b]);
        var cls = new Dense(3, name: "class").Call(h);
        var size = new Dense(2, name: "size").Call(h);
        return new Model([image, features], [cls, size], "two_heads", seed);
    }

    /// <summary>
    /// Learnable synthetic data: the class is (image mean &gt; 0) + (feature 0 &gt; 0), the sizes are linear in the
    /// features.
    /// </summary>
    internal static (Tensor Image, Tensor Features, Tensor Class, Tensor Size) Data(int n, int seed)
    {
        var rng = new Rng(seed);
        var image = Tensor.RandomNormal([n, 1, 6, 6], rng);
        var features = Tensor.RandomNormal([n, 4], rng);
        var cls = Tensor.Zeros([n]);
        var size = Tensor.Zeros([n, 2]);
        var im = image.AsReadOnlySpan();
        var f = features.AsReadOnlySpan();
        for (int i = 0; i < n; i++)
        {
            float mean = 0;
            for (int k = 0; k < 36; k++)
                mean += im[i * 36 + k] / 36;
            cls[i] = (mean > 0 ? 1 : 0) + (f[i * 4] > 0 ? 1 : 0);
            size.AsSpan()[i * 2] = 0.5f * (f[i * 4 + 1] + f[i * 4 + 2]);
            size.AsSpan()[i * 2 + 1] = 0.5f * (f[i * 4 + 3] - f[i * 4 + 1]);
        }
        return (image, features, cls, size);
    }

    private static void CompileByPosition(Model m, Optimizer optimizer) =>
        m.Compile(optimizer, [Losses.SparseCategoricalCrossentropy(fromLogits: true), Losses.MeanSquaredError()],
            lossWeights: [1.0, 0.5], metrics: [[Metrics.Accuracy], [Metrics.MeanAbsoluteError]]);

    private static void CompileByName(Model m, Optimizer optimizer) =>
        m.Compile(optimizer,
            new Dictionary<string, Loss>
            {
                ["size"] = Losses.MeanSquaredError(),
                ["class"] = Losses.SparseCategoricalCrossentropy(fromLogits: true),
            },
            lossWeights: new Dictionary<string, double> { ["class"] = 1.0, ["size"] = 0.5 },
            metrics: new Dictionary<string, IReadOnlyList<Metric>>
            {
                ["class"] = [Metrics.Accuracy],
                ["size"] = [Metrics.MeanAbsoluteError],
            });

    [Fact]
    public void OutputAndInputNames_AreTheLayerAndInputNames()
    {
        var m = TwoInTwoOut();

        Assert.Equal(["image", "features"], m.InputNames);
        Assert.Equal(["class", "size"], m.OutputNames);
    }

    /// <summary>
    /// One Fit step (one batch of 8, plain SGD) against PyTorch: each output's loss, the weighted total, every
    /// gradient and every parameter after the step. The gradients sum over at most 8 samples × 16 positions (the
    /// convolution's weights), hence <see cref="GoldenTolerance.Sum"/> with 128 terms; the update adds one rounding.
    /// </summary>
    [Fact]
    public void Fit_OneStep_LossesGradientsAndUpdateMatchTorch()
    {
        var g = GoldenFile.Load("multi_io_step", output);
        var m = TwoInTwoOut();
        foreach (var (name, w) in m.NamedWeights())
            w.Assign(g.Get($"init.{name}").AsReadOnlySpan());
        var outputs = m.PredictAll([g.Get("image"), g.Get("features")]);
        g.Close("out.class", outputs[0], GoldenTolerance.Sum(36, g.MaxAbs("out.class")), 0);
        g.Close("out.size", outputs[1], GoldenTolerance.Sum(36, g.MaxAbs("out.size")), 0);

        CompileByPosition(m, new Sgd(0.1));
        var h = m.Fit([g.Get("image"), g.Get("features")], [g.Get("class"), g.Get("size")], epochs: 1, batchSize: 8,
            shuffle: false, verbose: 0);

        foreach (string key in new[] { "loss", "class_loss", "size_loss" })
            g.Close(key, Tensor.Scalar((float)h[key][0]), GoldenTolerance.Sum(128, g.MaxAbs(key)), 0);
        foreach (var (name, w) in m.NamedWeights())
        {
            g.Close($"grad.{name}", w.Grad, GoldenTolerance.Sum(128, g.MaxAbs($"grad.{name}")), 0);
            g.Close($"sgd.{name}", w, GoldenTolerance.Sum(128, g.MaxAbs($"sgd.{name}")), 0);
        }
    }

    [Fact]
    public void Fit_TwoInputsTwoOutputs_LowersBothLossesAndLogsAsKeras()
    {
        var (image, features, cls, size) = Data(N, 1);
        var m = TwoInTwoOut(3);
        CompileByPosition(m, new Adam(0.02));

        var h = m.Fit([image, features], [cls, size], epochs: 25, batchSize: 16, validationSplit: 0.25, verbose: 0);

        Assert.Equal(
            ["class_accuracy", "class_loss", "learning_rate", "loss", "size_loss", "size_mean_absolute_error",
                "val_class_accuracy", "val_class_loss", "val_loss", "val_size_loss", "val_size_mean_absolute_error"],
            h.Values.Keys.Order());
        Assert.True(h["class_loss"][^1] < 0.7 * h["class_loss"][0],
            $"class_loss {h["class_loss"][0]} → {h["class_loss"][^1]}");
        Assert.True(h["size_loss"][^1] < 0.5 * h["size_loss"][0],
            $"size_loss {h["size_loss"][0]} → {h["size_loss"][^1]}");
        // The total of each epoch is the weighted sum of the epoch means (no regularizer here).
        for (int e = 0; e < h.Epochs.Count; e++)
        {
            // Each step's total is summed in float32 (values about 1): 1e-6 covers its rounding.
            Assert.Equal(h["class_loss"][e] + 0.5 * h["size_loss"][e], h["loss"][e], 1e-6);
            Assert.Equal(h["val_class_loss"][e] + 0.5 * h["val_size_loss"][e], h["val_loss"][e], 1e-6);
        }
    }

    /// <summary>
    /// Evaluate against a computation by hand from <see cref="Model.Run"/>: cross-entropy from log-softmax, mean
    /// squared error, accuracy and mean absolute error, all in double; the total is 1.0·CE + 0.5·MSE. Float32 sums
    /// over 48 samples: 1e-5 relative is ample.
    /// </summary>
    [Fact]
    public void Evaluate_TotalIsWeightedSum_AndPerOutputMetricsMatchRun()
    {
        var (image, features, cls, size) = Data(N, 2);
        var m = TwoInTwoOut(5);
        CompileByPosition(m, new Adam(0.01));
        m.Fit([image, features], [cls, size], epochs: 2, batchSize: 16, verbose: 0);

        var r = m.Evaluate([image, features], [cls, size], batchSize: 20);

        Tensor[] run;
        using (GradMode.NoGrad())
            run = m.Run([image, features]);
        var (ce, accuracy) = CrossEntropyAndAccuracy(run[0].ToArray(), cls.ToArray());
        var (mse, mae) = SquaredAndAbsolute(run[1].ToArray(), size.ToArray());
        Assert.Equal(ce, r.OutputLosses["class"], 1e-5 * ce);
        Assert.Equal(mse, r.OutputLosses["size"], 1e-5 * mse);
        Assert.Equal(ce + 0.5 * mse, r.Loss, 1e-5 * r.Loss);
        Assert.Equal(accuracy, r.Metrics["class_accuracy"], 12);
        Assert.Equal(accuracy, r.OutputMetrics["class"]["accuracy"], 12);
        Assert.Equal(mae, r.Metrics["size_mean_absolute_error"], 1e-5 * mae);
        Assert.Equal(mae, r.OutputMetrics["size"]["mean_absolute_error"], 1e-5 * mae);
        Assert.Equal(N, r.Samples);
    }

    [Fact]
    public void NamedAndPositional_SameSeed_GiveIdenticalTraining()
    {
        var (image, features, cls, size) = Data(N, 3);
        var positional = TwoInTwoOut(7);
        CompileByPosition(positional, new Adam(0.01));
        var named = TwoInTwoOut(7);
        CompileByName(named, new Adam(0.01));

        var hp = positional.Fit([image, features], [cls, size], epochs: 3, batchSize: 10, verbose: 0);
        var hn = named.Fit(
            new Dictionary<string, Tensor> { ["features"] = features, ["image"] = image },
            new Dictionary<string, Tensor> { ["size"] = size, ["class"] = cls }, epochs: 3, batchSize: 10, verbose: 0);

        foreach (var key in hp.Values.Keys)
            Assert.Equal(hp[key], hn[key]);
        var wp = positional.NamedWeights();
        var wn = named.NamedWeights();
        for (int i = 0; i < wp.Count; i++)
            Assert.Equal(wp[i].Value.ToArray(), wn[i].Value.ToArray());
        var ep = positional.Evaluate([image, features], [cls, size]);
        var en = named.Evaluate(new Dictionary<string, Tensor> { ["image"] = image, ["features"] = features },
            new Dictionary<string, Tensor> { ["class"] = cls, ["size"] = size });
        Assert.Equal(ep.Loss, en.Loss);
        Assert.Equal(ep.Metrics, en.Metrics);
    }

    [Fact]
    public void Fit_NamedDataLoaderWithPrefetch_TrainsExactlyAsWithout()
    {
        var (image, features, cls, size) = Data(N, 8);
        var data = new Dataset(new Dictionary<string, Tensor> { ["features"] = features, ["image"] = image },
            new Dictionary<string, Tensor> { ["class"] = cls, ["size"] = size });
        var (train, validation) = data.Split(0.75, seed: 1);
        var plain = TwoInTwoOut(4);
        CompileByName(plain, new Adam(0.01));
        var ahead = TwoInTwoOut(4);
        CompileByName(ahead, new Adam(0.01));

        var hp = plain.Fit(new DataLoader(train, 8, seed: 3), epochs: 2, validationData: validation, verbose: 0);
        var ha = ahead.Fit(new DataLoader(train, 8, seed: 3, prefetch: 2), epochs: 2, validationData: validation,
            verbose: 0);

        Assert.Equal(hp["val_loss"], ha["val_loss"]);
        Assert.Equal(hp["size_mean_absolute_error"], ha["size_mean_absolute_error"]);
        Assert.Equal(plain.NamedWeights()[0].Value.ToArray(), ahead.NamedWeights()[0].Value.ToArray());
    }

    [Fact]
    public void PredictAll_ShapesAndBatchingAndNames()
    {
        var (image, features, _, _) = Data(10, 4);
        var m = TwoInTwoOut(1);

        var all = m.PredictAll([image, features], batchSize: 3);
        var whole = m.PredictAll([image, features], batchSize: 128);
        var named = m.PredictAll(new Dictionary<string, Tensor> { ["features"] = features, ["image"] = image });

        Assert.Equal(2, all.Length);
        Assert.Equal(new Shape(10, 3), all[0].Shape);
        Assert.Equal(new Shape(10, 2), all[1].Shape);
        TensorAssert.Close(whole[0].ToArray(), all[0].ToArray(), 1e-6, 1e-5, "class, batches of 3 vs 10");
        Assert.Equal(["class", "size"], named.Keys.Order());
        Assert.Equal(whole[1].ToArray(), named["size"].ToArray());
    }

    [Fact]
    public void Predict_OneOutputSeveralInputs_ReturnsTheTensor()
    {
        var image = Input.Create([1, 6, 6], "image");
        var features = Input.Create([4], "features");
        var a = new GlobalAveragePooling2D(name: "pool").Call(image);
        var h = new Concatenate(name: "concat").Call([a, features]);
        var m = new Model([image, features], new Dense(2, name: "out").Call(h), "one_out");
        var (x1, x2, _, _) = Data(5, 6);

        var y = m.Predict([x1, x2]);

        Assert.Equal(new Shape(5, 2), y.Shape);
        Assert.Equal(m.PredictAll([x1, x2])[0].ToArray(), y.ToArray());
    }

    [Fact]
    public void OutputWithoutLoss_NeedsNoTarget_AndIsNotLoggedAlone()
    {
        var (image, features, cls, _) = Data(16, 7);
        var m = TwoInTwoOut(2);
        m.Compile(new Adam(0.01),
            new Dictionary<string, Loss> { ["class"] = Losses.SparseCategoricalCrossentropy(true) });

        var h = m.Fit(new Dictionary<string, Tensor> { ["image"] = image, ["features"] = features },
            new Dictionary<string, Tensor> { ["class"] = cls }, epochs: 1, batchSize: 8, verbose: 0);

        Assert.Equal(["learning_rate", "loss"], h.Values.Keys.Order());
    }

    [Fact]
    public void SingleOutput_LossWeight_ScalesTheLoss()
    {
        var rng = new Rng(1);
        var x = Tensor.RandomNormal([12, 4], rng);
        var y = Tensor.RandomNormal([12, 2], rng);
        var m = new Sequential([new Dense(2)], seed: 1, inputShape: [4]);
        m.Compile(new Sgd(0.1), Losses.MeanSquaredError());
        double plain = m.Evaluate(x, y).Loss;

        m.Compile(new Sgd(0.1), [Losses.MeanSquaredError()], lossWeights: [2.5]);

        Assert.Equal(2.5 * plain, m.Evaluate(x, y).Loss, 1e-6 * plain);
    }

    /// <summary>The README's example ("Several inputs and outputs"), on 16 random samples for one epoch.</summary>
    [Fact]
    public void ReadmeExample_Runs()
    {
        var rng = new Rng(2);
        var images = Tensor.RandomNormal([16, 1, 28, 28], rng);
        var features = Tensor.RandomNormal([16, 4], rng);
        var labels = Tensor.Zeros([16]);
        for (int i = 0; i < 16; i++)
            labels[i] = i % 10;
        var sizes = Tensor.RandomNormal([16, 1], rng);

        var image = Input.Create([1, 28, 28], "image");
        var tabular = Input.Create([4], "features");
        var x = new GlobalAveragePooling2D().Call(new Conv2D(16, 3, activation: Activations.Relu).Call(image));
        var h = new Concatenate().Call([x, new Dense(16, Activations.Relu).Call(tabular)]);
        var model = new Model([image, tabular],
            [new Dense(10, name: "class").Call(h), new Dense(1, name: "size").Call(h)]);
        model.Compile(new Adam(1e-3),
            new Dictionary<string, Loss> { ["class"] = Losses.SparseCategoricalCrossentropy(fromLogits: true),
                                           ["size"] = Losses.MeanSquaredError() },
            lossWeights: new Dictionary<string, double> { ["class"] = 1.0, ["size"] = 0.5 },
            metrics: new Dictionary<string, IReadOnlyList<Metric>> { ["class"] = [Metrics.Accuracy],
                                                                     ["size"] = [Metrics.MeanAbsoluteError] });
        var history = model.Fit([images, features], [labels, sizes], epochs: 1, validationSplit: 0.25, verbose: 0);
        var result = model.Evaluate(new Dictionary<string, Tensor> { ["image"] = images, ["features"] = features },
            new Dictionary<string, Tensor> { ["class"] = labels, ["size"] = sizes });
        Tensor[] outputs = model.PredictAll([images, features]);

        Assert.Contains("val_size_mean_absolute_error", history.Values.Keys);
        Assert.Equal(result.OutputLosses["class"] + 0.5 * result.OutputLosses["size"], result.Loss, 1e-5);
        Assert.InRange(result.OutputMetrics["class"]["accuracy"], 0, 1);
        Assert.Equal(new Shape(16, 10), outputs[0].Shape);
        Assert.Equal(new Shape(16, 1), outputs[1].Shape);
    }

    [Fact]
    public void Trainer_HasNoPublicConstructor()
    {
        Assert.Empty(typeof(Trainer).GetConstructors());
    }

    private static (double CrossEntropy, double Accuracy) CrossEntropyAndAccuracy(float[] logits, float[] labels)
    {
        int n = labels.Length, c = logits.Length / n;
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * c, c);
            double max = double.NegativeInfinity;
            int best = 0;
            for (int k = 0; k < c; k++)
            {
                if (row[k] > max)
                    (max, best) = (row[k], k);
            }
            double sum = 0;
            for (int k = 0; k < c; k++)
                sum += Math.Exp(row[k] - max);
            loss += Math.Log(sum) + max - row[(int)labels[i]];
            correct += best == (int)labels[i] ? 1 : 0;
        }
        return (loss / n, (double)correct / n);
    }

    private static (double Mse, double Mae) SquaredAndAbsolute(float[] prediction, float[] target)
    {
        double squared = 0, absolute = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            double d = (double)prediction[i] - target[i];
            squared += d * d;
            absolute += Math.Abs(d);
        }
        return (squared / prediction.Length, absolute / prediction.Length);
    }
}
