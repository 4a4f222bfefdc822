using Fovea.Data;
using Fovea.Examples.Tuning;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>
/// examples/Tuning (the walkthrough's Part 6.3): a two-trial search on 20 images; the best model comes back with its
/// best epoch's weights, so evaluating it on the validation images reproduces the score the study recorded.
/// </summary>
public sealed class TuningExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-tuning-example-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Search_BestModelReproducesItsRecordedValidationAccuracy()
    {
        var (tuner, best) = TuningExample.Run(limit: 20, epochs: 1, maxTrials: 2, _dir, TextWriter.Null);
        Assert.Equal(2, tuner.Study.FinishedCount);
        var trial = tuner.Study.BestTrials(1)[0];
        var (_, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        // Validation = the first 10 test images (max(10, limit / 5)). Accuracy is a count over 10 images: exact.
        double accuracy = best.Evaluate(test.Take(10), batchSize: 64).Accuracy;
        Assert.Equal(trial.Score!.Value, accuracy, 6);
        var hp = tuner.GetBestHyperParameters(1)[0];
        Assert.Equal(trial.Values["num_blocks"], hp["num_blocks"]);
        for (int i = 0; i < 5; i++)
            Assert.Equal(i < (int)hp["num_blocks"], hp.Values.ContainsKey($"filters_{i}"));
    }
}
