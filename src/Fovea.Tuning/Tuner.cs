using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fovea.Data;
using Fovea.Models;
using Fovea.Training;

namespace Fovea.Tuning;

/// <summary>
/// A search over models (KerasTuner's <c>Tuner</c>): a build function turns hyperparameters into a compiled
/// <see cref="Model"/>, a strategy (<see cref="Oracle"/>) picks the trials, and <see cref="Search"/> trains each
/// with Fit's arguments and keeps its best epoch's score and weights. The study lives in
/// <c>directory/projectName</c>: rerun the same search there and it resumes; several processes may run it at once.
/// </summary>
/// <example><code>
/// var tuner = new BayesianOptimization(BuildModel, objective: "val_accuracy", maxTrials: 20,
///     directory: "nas_dir", projectName: "cnn_architecture_search");
/// tuner.Search(train, epochs: 20, validationData: test, callbacks: [new EarlyStopping("val_accuracy", patience: 5)]);
/// var best = tuner.GetBestModels(1)[0];
/// </code></example>
public class Tuner
{
    private readonly Func<HyperParameters, Model> _buildModel;

    /// <summary>
    /// A tuner of at most <paramref name="maxTrials"/> trials. Without <paramref name="directory"/> the study goes to
    /// a fresh temporary folder. <paramref name="overwrite"/> deletes an existing study first.
    /// </summary>
    public Tuner(Func<HyperParameters, Model> buildModel, Oracle oracle, Objective objective, int maxTrials,
        string? directory = null, string? projectName = null, Pruner? pruner = null, bool overwrite = false,
        HyperParameters? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(buildModel);
        _buildModel = buildModel;
        string folder = Path.Combine(directory ?? Path.Combine(Path.GetTempPath(), "fovea-tuner-" + Guid.NewGuid().ToString("N")),
            projectName ?? "untitled_project");
        if (overwrite && System.IO.Directory.Exists(folder))
            System.IO.Directory.Delete(folder, recursive: true);
        var space = hyperparameters ?? new HyperParameters();
        PopulateSpace(space);
        Study = new Study(oracle, objective, maxTrials, folder, space, pruner);
    }

    /// <summary>The study: trials, journal, strategy.</summary>
    public Study Study { get; }

    /// <summary>The study folder.</summary>
    public string Directory => Study.Directory!;

    /// <summary>Where the live table of trials goes (null: nowhere).</summary>
    public TextWriter? Log { get; set; }

    /// <summary>Raised after each trial this process finishes.</summary>
    public event Action<Trial>? TrialFinished;

    /// <summary>
    /// Runs trials until the study is finished (KerasTuner's <c>search</c>, Fit's arguments): each builds a model from
    /// its hyperparameters, trains it for <paramref name="epochs"/> epochs (Hyperband: its schedule's) with the
    /// objective read from each epoch's logs, and records the best epoch. Trials finished earlier (this or another
    /// process, or a killed run) are not repeated.
    /// </summary>
    public void Search(Dataset x, int epochs = 1, Dataset? validationData = null, IEnumerable<Callback>? callbacks = null,
        int batchSize = 32, double validationSplit = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        var userCallbacks = callbacks?.ToList() ?? [];
        if (Log is not null)
            Log.WriteLine(TableHeader());
        while (Study.Ask() is { } trial)
        {
            RunTrial(trial, x, epochs, validationData, userCallbacks, batchSize, validationSplit);
            if (Log is not null)
                Log.WriteLine(TableRow(trial));
            TrialFinished?.Invoke(trial);
        }
    }

    /// <summary>The best <paramref name="numModels"/> models, rebuilt and loaded with their best epoch's weights.</summary>
    public IReadOnlyList<Model> GetBestModels(int numModels = 1)
    {
        Study.Refresh();
        var models = new List<Model>();
        foreach (var t in Study.BestTrials(numModels))
        {
            var model = _buildModel(Study.Space.WithValues(t.Values, Oracle.Mix(Study.Oracle.Seed, t.Number, "model")));
            if (Study.FinishedEvent(t.Number)?["sample_shape"] is JsonArray shape)
                model.Build(shape.Select(n => (int)n!).ToArray());
            model.LoadWeights(CheckpointPath(t.Number));
            models.Add(model);
        }
        return models;
    }

    /// <summary>The hyperparameters of the best <paramref name="numTrials"/> trials, best first.</summary>
    public IReadOnlyList<HyperParameters> GetBestHyperParameters(int numTrials = 1)
    {
        Study.Refresh();
        return Study.BestTrials(numTrials).Select(t => Study.Space.WithValues(t.Values)).ToList();
    }

    /// <summary>A text summary of the best <paramref name="numTrials"/> trials (KerasTuner's <c>results_summary</c>).</summary>
    public string ResultsSummary(int numTrials = 10)
    {
        Study.Refresh();
        var sb = new StringBuilder();
        sb.AppendLine("Results summary");
        sb.AppendLine($"Results in {Directory}");
        sb.AppendLine($"Showing {Math.Min(numTrials, Study.BestTrials(numTrials).Count)} best trials");
        sb.AppendLine($"Objective(name=\"{Study.Objective.Name}\", direction=\"{Study.Objective.Direction.ToString().ToLowerInvariant()}\")");
        foreach (var t in Study.BestTrials(numTrials))
        {
            sb.AppendLine();
            sb.AppendLine($"Trial {t.Number:D2} summary");
            sb.AppendLine("Hyperparameters:");
            foreach (var (k, v) in t.Values)
                sb.AppendLine($"{k}: {HyperParameter.Format(v)}");
            sb.AppendLine($"Score: {HyperParameter.Format(t.Score)}");
        }
        return sb.ToString();
    }

    /// <summary>Path of trial <paramref name="number"/>'s best-epoch weights.</summary>
    public string CheckpointPath(int number) => Path.Combine(Directory, "trials", $"trial-{number}", "checkpoint.safetensors");

    /// <summary>The header line of the live table.</summary>
    public static string TableHeader() => $"{"trial",5} {"status",-9} {"score",8} {"best",8} {"seconds",8}  hyperparameters";

    /// <summary>One line of the live table.</summary>
    public string TableRow(Trial t)
    {
        var best = Study.BestTrials(1).FirstOrDefault();
        return $"{t.Number,5} {t.Status.ToString().ToLowerInvariant(),-9} {Fmt(t.Score),8} {Fmt(best?.Score),8} " +
            $"{t.Seconds.ToString("F1", CultureInfo.InvariantCulture),8}  " +
            string.Join(" ", t.Values.Where(kv => !kv.Key.StartsWith("tuner/", StringComparison.Ordinal) || kv.Key == HyperbandOracle.EpochsKey)
                .Select(kv => $"{kv.Key}={HyperParameter.Format(kv.Value)}"));
        static string Fmt(double? v) => v is double d ? d.ToString("F4", CultureInfo.InvariantCulture) : "-";
    }

    private void RunTrial(Trial trial, Dataset x, int epochs, Dataset? validationData, List<Callback> userCallbacks,
        int batchSize, double validationSplit)
    {
        try
        {
            var hp = Study.HyperParametersFor(trial);
            var model = _buildModel(hp);
            foreach (var p in hp.Space)
                Study.Space.Add(p);
            string checkpoint = CheckpointPath(trial.Number);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            int initialEpoch = 0;
            if (hp.Values.TryGetValue(HyperbandOracle.EpochsKey, out var e))
                epochs = Convert.ToInt32(e, CultureInfo.InvariantCulture);
            if (hp.Values.TryGetValue(HyperbandOracle.InitialEpochKey, out var ie))
                initialEpoch = Convert.ToInt32(ie, CultureInfo.InvariantCulture);
            if (hp.Values.TryGetValue(HyperbandOracle.TrialIdKey, out var from))
            {
                model.Build(x.SampleShape.ToArray());
                model.LoadWeights(CheckpointPath(Convert.ToInt32(from, CultureInfo.InvariantCulture)));
            }
            var cb = new TrialCallback(Study, trial, checkpoint);
            model.Fit(x, epochs: epochs, batchSize: batchSize, validationData: validationData, validationSplit: validationSplit,
                callbacks: [.. userCallbacks, cb], verbose: 0, initialEpoch: initialEpoch);
            var extra = new JsonObject { ["sample_shape"] = new JsonArray(x.SampleShape.ToArray().Select(d => (JsonNode?)d).ToArray()) };
            if (cb.Best is null)
                Study.Tell(trial, null, TrialStatus.Failed, values: hp.Values, error: "no epoch ran", extra: extra);
            else
                Study.Tell(trial, cb.Best, cb.Pruned ? TrialStatus.Pruned : TrialStatus.Completed, cb.BestLogs, hp.Values, extra: extra);
        }
        catch (Exception ex) when (ex is FoveaException or ArgumentException or InvalidOperationException)
        {
            Study.Tell(trial, null, TrialStatus.Failed, error: ex.Message);
        }
    }

    /// <summary>
    /// Registers the build function's parameters before the first trial, as KerasTuner does: builds with the defaults,
    /// then with each value of each discrete parameter (up to 16 values), until no new parameter appears, so that
    /// conditional parameters are known to the strategy from the start.
    /// </summary>
    private void PopulateSpace(HyperParameters space)
    {
        Discover(space, null);
        for (int round = 0; round < 4; round++)
        {
            int before = space.Space.Count;
            foreach (var p in space.Space.ToList())
            {
                if (!p.IsTunable || p is FloatHyperParameter { Step: null } || p.GridValues().Count > 16)
                    continue;
                foreach (var v in p.GridValues())
                {
                    var defaults = space.Space.Where(q => q != p).ToDictionary(q => q.Name, q => q.Default);
                    defaults[p.Name] = v;
                    // Parents of p at values that activate it.
                    foreach (var c in p.Conditions)
                        defaults[c.Parent] = c.Values[0];
                    Discover(space, defaults);
                }
            }
            if (space.Space.Count == before)
                break;
        }
    }

    private void Discover(HyperParameters space, Dictionary<string, object>? values)
    {
        var hp = new HyperParameters(space.Space, values);
        _buildModel(hp);
        foreach (var p in hp.Space)
            space.Add(p);
    }
}
