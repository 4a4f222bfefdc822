using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fovea.Data;
using Fovea.IO;
using Fovea.Tuning;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea tune</c>: searches the walkthrough's architecture space (section 6.3) on the first L Fashion-MNIST
/// training images with a cheap performance estimate (few epochs, a subset; the last 20% of the L images validate),
/// prints a live table of trials and ends with <c>trials_completed=N best_val_accuracy=X</c>. The study lives in
/// --out (append-only journal): the same command on the same folder resumes an interrupted search or reports a
/// finished one without running more. <c>--workers N</c> starts N - 1 more processes on the same study.
/// </summary>
internal static class TuneCommand
{
    private const string OptionsFile = "tune.json";
    private const double ValidationFraction = 0.2;

    public static Command Create()
    {
        var space = new Option<string>("--space") { Description = "Search space: 'walkthrough' (section 6.3: blocks, filters, SE, dropout, learning rate)", DefaultValueFactory = _ => "walkthrough" };
        space.AcceptOnlyFromAmong("walkthrough");
        var maxTrials = new Option<int>("--max-trials") { Description = "Trials to finish", DefaultValueFactory = _ => 20 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per trial (Hyperband: the most epochs of a trial)", DefaultValueFactory = _ => 3 };
        var limit = new Option<int>("--limit") { Description = "Search on the first L training images (the last 20% of them validate)", DefaultValueFactory = _ => 6000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the strategy and of every model", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "Study folder (journal, checkpoints, report.html); rerun to resume", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "bayesian, random, hyperband or tpe", DefaultValueFactory = _ => "bayesian" };
        strategy.AcceptOnlyFromAmong("bayesian", "random", "hyperband", "tpe");
        var workers = new Option<int>("--workers") { Description = "Processes sharing the study", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per training step", DefaultValueFactory = _ => 64 };
        var data = new Option<string?>("--data") { Description = "Folder with the Fashion-MNIST IDX files (default: bundled data/fashion-mnist)" };
        var worker = new Option<bool>("--worker") { Description = "Internal: run as an extra worker (no summary)", Hidden = true };
        var command = new Command("tune", "Search CNN architectures and hyperparameters on Fashion-MNIST (KerasTuner-style), resumable")
        {
            space, maxTrials, epochs, limit, seed, outDir, strategy, workers, batchSize, data, worker,
        };
        command.SetAction(r => Run(new TuneOptions(r.GetValue(space)!, r.GetValue(maxTrials), r.GetValue(epochs),
            r.GetValue(limit), r.GetValue(seed), r.GetValue(strategy)!, r.GetValue(batchSize)), r.GetValue(outDir)!,
            r.GetValue(workers), r.GetValue(data), r.GetValue(worker)));
        return command;
    }

    private static int Run(TuneOptions o, string outDir, int workers, string? dataFolder, bool isWorker)
    {
        if (o.MaxTrials <= 0)
            return CliRunner.Fail($"--max-trials must be positive, received {o.MaxTrials}");
        if (o.Epochs <= 0)
            return CliRunner.Fail($"--epochs must be positive, received {o.Epochs}");
        if (o.Limit < 10)
            return CliRunner.Fail($"--limit must be at least 10 (training and validation images), received {o.Limit}");
        if (workers <= 0)
            return CliRunner.Fail($"--workers must be positive, received {workers}");
        if (o.BatchSize <= 0)
            return CliRunner.Fail($"--batch-size must be positive, received {o.BatchSize}");

        Directory.CreateDirectory(outDir);
        string optionsPath = Path.Combine(outDir, OptionsFile);
        if (File.Exists(optionsPath))
        {
            var saved = JsonSerializer.Deserialize<TuneOptions>(File.ReadAllText(optionsPath));
            // A larger --max-trials extends the study; anything else must match.
            if (saved is not null && saved with { MaxTrials = o.MaxTrials } == o && o.MaxTrials > saved.MaxTrials && !isWorker)
                AtomicFile.WriteAllText(optionsPath, JsonSerializer.Serialize(o));
            else if (saved != o)
                return CliRunner.Fail($"'{outDir}' holds a study with other options ({JsonSerializer.Serialize(saved)}); " +
                    $"received {JsonSerializer.Serialize(o)}: use another --out");
        }
        else if (!isWorker)
            AtomicFile.WriteAllText(optionsPath, JsonSerializer.Serialize(o));

        var (train, _) = FashionMnist.Load(dataFolder, FashionMnist.Standardization);
        var subset = train.Take(Math.Min(o.Limit, train.Count));
        int holdOut = Math.Max(1, (int)Math.Round(subset.Count * ValidationFraction));
        var indices = Enumerable.Range(0, subset.Count).ToArray();
        var fit = subset.Subset(indices.AsSpan(0, subset.Count - holdOut));
        var validation = subset.Subset(indices.AsSpan(subset.Count - holdOut));
        var build = WalkthroughSpace.Create(subset.SampleShape.ToArray(), 10);
        Tuner tuner = o.Strategy switch
        {
            "random" => new RandomSearch(build, "val_accuracy", o.MaxTrials, o.Seed, directory: outDir, projectName: "study"),
            "tpe" => new TpeSearch(build, "val_accuracy", o.MaxTrials, o.Seed, directory: outDir, projectName: "study"),
            // As many Hyperband iterations as --max-trials needs (one iteration of maxEpochs 1 is a single trial).
            "hyperband" => new Hyperband(build, "val_accuracy", maxEpochs: o.Epochs, seed: o.Seed, maxTrials: o.MaxTrials,
                hyperbandIterations: (o.MaxTrials + new HyperbandOracle(o.Epochs).TrialsPerSearch() - 1) /
                    new HyperbandOracle(o.Epochs).TrialsPerSearch(),
                directory: outDir, projectName: "study"),
            _ => new BayesianOptimization(build, "val_accuracy", o.MaxTrials, o.Seed, directory: outDir, projectName: "study"),
        };
        var study = tuner.Study;
        if (!isWorker)
        {
            Console.WriteLine($"fovea tune: space '{o.Space}' ({study.Space.Space.Count} hyperparameters), strategy '{o.Strategy}', " +
                $"seed {o.Seed}, {fit.Count} training and {validation.Count} validation images, {o.Epochs} epochs per trial, " +
                $"{o.MaxTrials} trials, {workers} worker(s), study folder {outDir}" +
                (study.Trials.Count > 0 ? $" (resuming: {study.FinishedCount} trials finished)" : ""));
        }
        var children = new List<Process>();
        if (!isWorker)
            for (int i = 1; i < workers && !study.IsFinished; i++)
                children.Add(StartWorker(o, outDir, dataFolder));
        if (!study.IsFinished)
        {
            tuner.Log = isWorker ? null : Console.Out;
            tuner.Search(fit, epochs: o.Epochs, validationData: validation, batchSize: o.BatchSize);
        }
        foreach (var child in children)
        {
            child.WaitForExit();
            if (child.ExitCode != 0)
                Console.Error.WriteLine($"warning: worker {child.Id} exited with code {child.ExitCode}");
        }
        if (isWorker)
            return 0;
        study.Refresh();
        TuningReport.Save(Path.Combine(outDir, "report.html"), study);
        Console.WriteLine(tuner.ResultsSummary(3).TrimEnd());
        var best = study.BestTrials(1).FirstOrDefault();
        string bestText = best?.Score is double s ? s.ToString("F4", CultureInfo.InvariantCulture) : "nan";
        Console.WriteLine($"report {Path.Combine(outDir, "report.html")}");
        Console.WriteLine($"trials_completed={study.FinishedCount} best_val_accuracy={bestText}");
        return 0;
    }

    private static Process StartWorker(TuneOptions o, string outDir, string? dataFolder)
    {
        string self = typeof(TuneCommand).Assembly.Location;
        string? host = Environment.ProcessPath;
        bool viaDotnet = host is null || Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(viaDotnet ? "dotnet" : host!) { UseShellExecute = false, RedirectStandardOutput = true };
        if (viaDotnet)
            info.ArgumentList.Add(self);
        foreach (var a in new[] { "tune", "--space", o.Space, "--max-trials", $"{o.MaxTrials}", "--epochs", $"{o.Epochs}",
                     "--limit", $"{o.Limit}", "--seed", $"{o.Seed}", "--strategy", o.Strategy, "--batch-size", $"{o.BatchSize}",
                     "--out", outDir, "--worker" })
            info.ArgumentList.Add(a);
        if (dataFolder is not null)
        {
            info.ArgumentList.Add("--data");
            info.ArgumentList.Add(dataFolder);
        }
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        return p;
    }

    /// <summary>The options that define a study (saved as tune.json; a rerun must match them).</summary>
    internal sealed record TuneOptions(string Space, int MaxTrials, int Epochs, int Limit, int Seed, string Strategy, int BatchSize);
}
