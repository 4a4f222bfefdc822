using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fovea.IO;
using Fovea.Data;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Training;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea train</c>: trains the reference CNN on Fashion-MNIST (bundled) and writes a run folder with the model
/// (config + safetensors weights), history.csv and curves.png; prints one line per epoch and test_accuracy.
/// </summary>
internal static class TrainCommand
{
    public const int DefaultEpochs = 5;

    public static Command Create()
    {
        var recipe = new Option<string>("--recipe")
        {
            Description = "What to train and how: " + string.Join("; ", TrainRecipe.All.Select(x => $"'{x.Name}' ({x.Description})")),
            DefaultValueFactory = _ => TrainRecipe.Reference.Name,
        };
        recipe.AcceptOnlyFromAmong(TrainRecipe.All.Select(x => x.Name).ToArray());
        var epochs = new Option<int?>("--epochs")
        {
            Description = $"Epochs to train (default: the recipe's, {DefaultEpochs} for '{TrainRecipe.Reference.Name}')",
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per training step", DefaultValueFactory = _ => 128 };
        var lr = new Option<double?>("--lr") { Description = "AdamW (peak) learning rate (default: the recipe's)" };
        var augment = new Option<bool?>("--augment")
        {
            Description = "Augment the training images on the fly: random crop with 2-pixel padding, horizontal flip, " +
                "random erasing (default: the recipe's)",
        };
        var seed = new Option<int>("--seed") { Description = "Seed for initialisation, dropout and shuffling", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only" };
        var data = new Option<string?>("--data")
        {
            Description = "Folder with the four Fashion-MNIST IDX files (default: bundled data/fashion-mnist, the Debian package, the cache, else download)",
        };
        var outDir = new Option<string?>("--out") { Description = "Run folder (default: runs/<date-time>)" };
        var validationSplit = new Option<double?>("--validation-split")
        {
            Description = "Fraction of the training images held out for validation (default: the recipe's)",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the interrupted run in this folder from its last checkpoint (its own options are reused)",
        };
        var tensorBoard = new Option<bool>("--tensorboard")
        {
            Description = "Also write TensorBoard event files (scalars, weight histograms, sample images and first-layer " +
                "filters) to <run folder>/tensorboard",
        };
        var command = new Command("train", "Train a CNN on Fashion-MNIST (the reference CNN by default) and report the test accuracy")
        {
            recipe, epochs, batchSize, lr, augment, seed, limit, data, outDir, validationSplit, resume, tensorBoard,
        };
        command.SetAction(r =>
        {
            var chosen = TrainRecipe.Find(r.GetValue(recipe)!);
            var options = new TrainOptions(r.GetValue(epochs) ?? chosen.Epochs, r.GetValue(batchSize),
                r.GetValue(lr) ?? chosen.LearningRate, r.GetValue(seed), r.GetValue(limit), r.GetValue(data),
                r.GetValue(outDir), r.GetValue(validationSplit) ?? chosen.ValidationSplit, chosen.Name,
                r.GetValue(augment) ?? chosen.Augment, r.GetValue(tensorBoard));
            return r.GetValue(resume) is { } folder ? Resume(folder) : Run(options, resuming: false);
        });
        return command;
    }

    private const string OptionsFile = "train.json";

    private static int Resume(string folder)
    {
        string path = Path.Combine(folder, OptionsFile);
        if (!File.Exists(path))
            return CliRunner.Fail($"'{folder}' is not a fovea train run folder: '{OptionsFile}' is missing");
        TrainOptions? o;
        try
        {
            o = JsonSerializer.Deserialize<TrainOptions>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            return CliRunner.Fail($"'{path}' is not valid: {e.Message}");
        }
        if (o is null)
            return CliRunner.Fail($"'{path}' is empty");
        return Run(o with { OutDir = folder }, resuming: true);
    }

    private static int Run(TrainOptions o, bool resuming)
    {
        if (o.Epochs <= 0)
            return CliRunner.Fail($"--epochs must be positive, received {o.Epochs}");
        if (o.BatchSize <= 0)
            return CliRunner.Fail($"--batch-size must be positive, received {o.BatchSize}");
        if (!(o.LearningRate > 0))
            return CliRunner.Fail($"--lr must be positive, received {o.LearningRate}");
        if (o.Limit is <= 0)
            return CliRunner.Fail($"--limit must be positive, received {o.Limit}");
        if (o.ValidationSplit is < 0 or >= 1)
            return CliRunner.Fail($"--validation-split must be in [0, 1), received {o.ValidationSplit}");

        var (train, test) = FashionMnist.Load(o.DataFolder, FashionMnist.Standardization);
        if (o.Limit is int n && n < train.Count)
            train = train.Take(n);
        string runDir = o.OutDir ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(runDir);
        if (!resuming)
            AtomicFile.WriteAllText(Path.Combine(runDir, OptionsFile), JsonSerializer.Serialize(o with { OutDir = null }));
        var backup = new BackupAndRestore(runDir);

        var recipe = TrainRecipe.Find(o.Recipe);
        var model = recipe.CreateModel(o.Seed, train.SampleShape.ToArray());
        int holdOut = o.ValidationSplit > 0 ? Math.Max(1, (int)Math.Round(train.Count * o.ValidationSplit)) : 0;
        int stepsPerEpoch = (train.Count - holdOut + o.BatchSize - 1) / o.BatchSize;
        model.Compile(new AdamW(o.LearningRate, weightDecay: recipe.WeightDecay, epsilon: 1e-8),
            Losses.SparseCategoricalCrossentropy(labelSmoothing: recipe.LabelSmoothing), [Metrics.Accuracy]);
        Console.WriteLine($"fovea train: recipe '{recipe.Name}', {train.Count} training images ({holdOut} held out for validation), " +
            $"{test.Count} test images, {model.ParameterCount:N0} parameters, batch {o.BatchSize}, {o.Epochs} epochs" +
            (o.Augment ? ", augmented" : "") + $", run folder {runDir}" +
            (resuming && File.Exists(backup.FilePath) ? " (resuming from its last checkpoint)" : ""));

        var progress = new ConsoleProgress();
        string monitor = holdOut > 0 ? "val_loss" : "loss";
        var callbacks = new List<Callback>(recipe.Callbacks(o, monitor, stepsPerEpoch))
        {
            new CsvLogger(Path.Combine(runDir, "history.csv")),
            new ProgressCallback(progress.OnBatch, progress.OnEpoch),
            backup,
        };
        if (o.TensorBoard)
            callbacks.Add(new TensorBoard(Path.Combine(runDir, "tensorboard"),
                sampleImages: train.Take(Math.Min(16, train.Count)).Features));
        History history;
        if (o.Augment)
        {
            // The same tail hold-out as Fit(Dataset, validationSplit), then an augmenting loader that prepares batches
            // on a background thread.
            var indices = Enumerable.Range(0, train.Count).ToArray();
            var validation = holdOut > 0 ? train.Subset(indices.AsSpan(train.Count - holdOut)) : null;
            var fitData = holdOut > 0 ? train.Subset(indices.AsSpan(0, train.Count - holdOut)) : train;
            var loader = new DataLoader(fitData, o.BatchSize, shuffle: true, seed: o.Seed,
                transform: TrainRecipe.Augmentation(train.SampleShape), prefetch: 2);
            history = model.Fit(loader, epochs: o.Epochs, validationData: validation, callbacks: callbacks, verbose: 0);
        }
        else
        {
            history = model.Fit(train, epochs: o.Epochs, batchSize: o.BatchSize, validationSplit: o.ValidationSplit,
                verbose: 0, callbacks: callbacks);
        }

        var result = model.Evaluate(test);
        model.Save(runDir);
        history.SavePlot(Path.Combine(runDir, "curves.png"));
        Reports.HtmlReport.Save(Path.Combine(runDir, "report.html"), model, test, history);
        Console.WriteLine($"test_loss={result.Loss.ToString("F4", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"test_accuracy={result.Accuracy.ToString("F4", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"saved {Path.Combine(runDir, Model.ConfigFileName)}, {Model.WeightsFileName}, history.csv, curves.png and report.html");
        return 0;
    }

    /// <summary>The resolved options of a run, saved as train.json so that <c>--resume</c> continues it unchanged.</summary>
    internal sealed record TrainOptions(int Epochs, int BatchSize, double LearningRate, int Seed, int? Limit, string? DataFolder,
        string? OutDir, double ValidationSplit, string Recipe = "reference", bool Augment = false,
        bool TensorBoard = false);
}
