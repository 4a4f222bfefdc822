using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

public sealed class BackupAndRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-backup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Sequential Model, Tensor X, Tensor Y) Setup()
    {
        var model = new Sequential(
            [new Conv2D(4, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Swish),
             new Dropout(0.3), new Flatten(), new Dense(3, Activations.Softmax)], seed: 7, inputShape: [1, 5, 5]);
        model.Compile(new AdamW(0.01, weightDecay: 0.01), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        var rng = new Rng(8);
        var x = Tensor.RandomNormal([96, 1, 5, 5], rng);
        var y = Tensor.Zeros([96]);
        for (int i = 0; i < 96; i++)
            y[i] = i % 3;
        return (model, x, y);
    }

    private List<Callback> Callbacks(string name, bool backup)
    {
        var list = new List<Callback>
        {
            new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 1),
            new ExponentialMovingAverage(decay: 0.9, useForValidation: true, applyAtEnd: false),
            new CsvLogger(Path.Combine(_dir, name + ".csv")),
        };
        if (backup)
            list.Add(new BackupAndRestore(Path.Combine(_dir, name)));
        return list;
    }

    [Fact]
    public void InterruptedThenResumed_EndsWithExactlyTheUninterruptedWeights()
    {
        var (reference, x, y) = Setup();
        var fullHistory = reference.Fit(x, y, epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0,
            callbacks: Callbacks("full", backup: false));

        var (first, _, _) = Setup();
        first.Fit(x, y, epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: Callbacks("resumed", backup: true));
        // A new process would build a fresh model from the same code: do the same here.
        var (second, _, _) = Setup();
        var backup = Callbacks("resumed", backup: true);
        var history = second.Fit(x, y, epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: backup);

        Assert.Equal(1, ((BackupAndRestore)backup[^1]).RestoredEpoch);
        for (int i = 0; i < reference.Weights.Count; i++)
            Assert.Equal(reference.Weights[i].ToArray(), second.Weights[i].ToArray());
        // BatchNormalization's batch count (a weight) came back too: 4 epochs of ⌈72/16⌉ = 5 training batches.
        Assert.Equal(20f, ((BatchNormalization)second.Layers[1]).BatchesTracked[0]);
        Assert.Equal(fullHistory["val_loss"], history["val_loss"]);
        Assert.Equal(fullHistory["learning_rate"], history["learning_rate"]);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "full.csv")), File.ReadAllText(Path.Combine(_dir, "resumed.csv")));
    }

    [Fact]
    public void CheckpointOfAnotherModel_ClearError()
    {
        var (model, x, y) = Setup();
        model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0, callbacks: [new BackupAndRestore(_dir)]);
        var other = new Sequential([new Flatten(), new Dense(3, Activations.Softmax)], inputShape: [1, 5, 5]);
        other.Compile(new Sgd(0.1), Losses.SparseCategoricalCrossentropy());
        var e = Assert.Throws<FoveaException>(() => other.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(_dir)]));
        Assert.Contains("checkpoint.safetensors", e.Message);
    }
}
