using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

/// <summary>Callbacks driven by hand-written logs, checked against Keras's documented behaviour.</summary>
public sealed class CallbackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-cb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class FakeModel : ITrainableModel
    {
        public string? Name => "fake";
        public Optimizer? Optimizer { get; } = new Sgd(0.1);
        public bool StopTraining { get; set; }
        public Parameter Weight { get; } = new("w", [2]);
        public IReadOnlyList<Parameter> Weights => [Weight];

        public IReadOnlyList<KeyValuePair<string, Parameter>> NamedWeights() => [new("layer.w", Weight)];

        public IReadOnlyList<Rng> RandomStreams() => [];
        public List<string> Saved { get; } = [];

        public void SaveWeights(string path)
        {
            Saved.Add(path);
            Fovea.IO.AtomicFile.WriteAllText(path, "w");
        }
    }

    private static Dictionary<string, double> Logs(double valLoss) => new() { ["loss"] = 1, ["val_loss"] = valLoss };

    [Fact]
    public void EarlyStopping_StopsAfterPatienceAndRestoresBestWeights()
    {
        var model = new FakeModel();
        var es = new EarlyStopping(patience: 2, restoreBestWeights: true) { Model = model };
        es.OnTrainBegin();
        double[] losses = [1.0, 0.5, 0.6, 0.7, 0.4];
        int epoch = 0;
        for (; epoch < losses.Length && !model.StopTraining; epoch++)
        {
            model.Weight.AsSpan().Fill(epoch);
            es.OnEpochEnd(epoch, Logs(losses[epoch]));
        }
        Assert.Equal(4, epoch);               // epochs 0..3 ran: best at 1, no improvement at 2 and 3
        Assert.Equal(3, es.StoppedEpoch);
        Assert.Equal(1, es.BestEpoch);
        es.OnTrainEnd(Logs(0.7));
        Assert.Equal([1f, 1f], model.Weight.ToArray());
    }

    [Fact]
    public void ReduceLROnPlateau_HalvesAfterPatienceThenWaitsCooldown()
    {
        var model = new FakeModel();
        var cb = new ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 1, minLearningRate: 0.02) { Model = model };
        cb.OnTrainBegin();
        var rates = new List<double>();
        foreach (double v in new[] { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 })
        {
            cb.OnEpochEnd(rates.Count, Logs(v));
            rates.Add(model.Optimizer!.LearningRate);
        }
        // Keras: reduce when wait reaches 2 (epoch 2), cooldown 1 epoch, then wait 2 more; floor at 0.02.
        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025], rates.Select(r => Math.Round(r, 6)));
        cb.OnEpochEnd(8, Logs(1.0));
        cb.OnEpochEnd(9, Logs(1.0));
        Assert.Equal(0.02, model.Optimizer!.LearningRate, 9);
    }

    [Fact]
    public void ModelCheckpoint_BestOnly_SavesOnImprovement()
    {
        var model = new FakeModel();
        var cb = new ModelCheckpoint(Path.Combine(_dir, "ckpt-{epoch}.safetensors"), saveBestOnly: true) { Model = model };
        cb.OnTrainBegin();
        double[] losses = [0.9, 0.8, 0.85, 0.7];
        for (int e = 0; e < losses.Length; e++)
            cb.OnEpochEnd(e, Logs(losses[e]));
        Assert.Equal(["ckpt-1", "ckpt-2", "ckpt-4"], model.Saved.Select(p => Path.GetFileNameWithoutExtension(p)));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Monitor_UnknownKey_ListsLoggedKeys()
    {
        var cb = new EarlyStopping(monitor: "val_acc") { Model = new FakeModel() };
        cb.OnTrainBegin();
        var e = Assert.Throws<FoveaException>(() => cb.OnEpochEnd(0, Logs(1)));
        Assert.Contains("val_loss", e.Message);
    }

    [Fact]
    public void CsvLogger_WritesHeaderAndOneRowPerEpoch()
    {
        string path = Path.Combine(_dir, "h.csv");
        var cb = new CsvLogger(path) { Model = new FakeModel() };
        cb.OnTrainBegin();
        cb.OnEpochEnd(0, Logs(0.5));
        cb.OnEpochEnd(1, Logs(0.25));
        Assert.Equal(["epoch,loss,val_loss", "0,1,0.5", "1,1,0.25"], File.ReadAllLines(path));
    }

    [Fact]
    public void History_SavePlot_WritesPng()
    {
        var h = new History();
        h.Append(0, new Dictionary<string, double> { ["loss"] = 1, ["accuracy"] = 0.5, ["val_loss"] = 1.1, ["val_accuracy"] = 0.45 });
        h.Append(1, new Dictionary<string, double> { ["loss"] = 0.7, ["accuracy"] = 0.7, ["val_loss"] = 0.9, ["val_accuracy"] = 0.6 });
        string path = Path.Combine(_dir, "curves.png");
        h.SavePlot(path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.True(bytes.Length > 10_000, $"a 1200×450 plot PNG of {bytes.Length} bytes is suspiciously small");
    }
}
