using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public sealed class TunerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fovea-tuner-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Two separable classes of 4-feature points: class = (x0 + x1 > 0).</summary>
    private static (Dataset Train, Dataset Validation) Data()
    {
        var rng = new Random(0);
        Dataset Make(int n)
        {
            var x = new float[n * 4];
            var y = new float[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < 4; j++)
                    x[i * 4 + j] = (float)(rng.NextDouble() * 2 - 1);
                y[i] = x[i * 4] + x[i * 4 + 1] > 0 ? 1 : 0;
            }
            return new Dataset(Tensor.FromArray(x, [n, 4]), Tensor.FromArray(y, [n]));
        }
        return (Make(64), Make(32));
    }

    private static Model Build(HyperParameters hp)
    {
        var model = new Sequential([new Dense(hp.Int("units", 2, 16, step: 2), Activations.Relu), new Dense(2, Activations.Softmax)], seed: hp.Seed);
        model.Compile(new Adam(hp.Float("lr", 1e-3, 1e-1, sampling: Sampling.Log)), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        return model;
    }

    [Fact]
    public void Search_GetBestModels_RestoresTheBestEpoch()
    {
        var (train, validation) = Data();
        var tuner = new RandomSearch(Build, "val_accuracy", maxTrials: 3, seed: 1, directory: _dir, projectName: "p");
        tuner.Search(train, epochs: 3, validationData: validation, batchSize: 16);
        Assert.Equal(3, tuner.Study.FinishedCount);
        var best = tuner.Study.BestTrials(1)[0];
        var model = tuner.GetBestModels(1)[0];
        // The checkpoint is the best epoch's weights: evaluating it reproduces that epoch's val_accuracy (a count
        // over 32 points, exact) and val_loss (float32 sums in another batch order: 1e-5).
        var result = model.Evaluate(validation, batchSize: 16);
        Assert.Equal(best.Score!.Value, result.Accuracy, 6);
        Assert.Equal(best.Metrics["val_loss"], result.Loss, 1e-5);
        Assert.Equal(best.Values["units"], tuner.GetBestHyperParameters(1)[0]["units"]);
        string summary = tuner.ResultsSummary(2);
        Assert.Contains($"Trial {best.Number:D2} summary", summary);
        Assert.Contains("Objective(name=\"val_accuracy\", direction=\"maximize\")", summary);
        string html = TuningReport.Render(tuner.Study);
        Assert.Contains("<svg", html);
        Assert.Contains("units", html);
    }

    [Fact]
    public void Hyperband_PromotedTrialsResumeFromTheirParentsWeights()
    {
        var (train, validation) = Data();
        var tuner = new Hyperband(Build, "val_accuracy", maxEpochs: 3, factor: 3, seed: 2, directory: _dir, projectName: "hb");
        tuner.Search(train, validationData: validation, batchSize: 16);
        var trials = tuner.Study.Trials;
        Assert.Equal(new HyperbandOracle(3, 3).TrialsPerSearch(), trials.Count);
        var promoted = trials.Where(t => t.Values.ContainsKey(HyperbandOracle.TrialIdKey)).ToList();
        Assert.NotEmpty(promoted);
        foreach (var t in promoted)
        {
            // A promoted trial trains only its new epochs (steps initial_epoch + 1 ... epochs).
            int from = (int)t.Values[HyperbandOracle.InitialEpochKey], to = (int)t.Values[HyperbandOracle.EpochsKey];
            Assert.Equal(Enumerable.Range(from + 1, to - from), t.IntermediateValues.Keys);
        }
    }
}
