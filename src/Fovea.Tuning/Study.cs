using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>
/// A set of trials and the strategy that proposes them, with an ask/tell interface (Optuna's <c>Study</c>):
/// <see cref="Ask"/> claims the next trial, <see cref="Report"/> records an intermediate value and says whether to
/// prune, <see cref="Tell"/> finishes the trial. With a directory the study lives in an append-only journal
/// (<c>journal.jsonl</c>, one JSON event per line, fsync'd): a study killed at any moment resumes from it, and
/// several processes may share the folder.
/// </summary>
/// <remarks>
/// <para>Events: <c>study</c> (strategy, seed, objective), <c>started</c> (trial, attempt, parameters),
/// <c>epoch</c> (trial, step, value, logs), <c>finished</c> (trial, status completed/pruned/failed, score, final
/// parameters, metrics).</para>
/// <para>Claiming: under an exclusive lock on <c>journal.lock</c> a worker replays the journal, picks the next trial
/// and appends its <c>started</c> event; while it runs the trial it holds an exclusive lock on
/// <c>leases/trial-N.lease</c>, which the operating system releases if the process dies. A trial with a
/// <c>started</c> event but no <c>finished</c> one whose lease is free was interrupted: the next worker to ask re-runs
/// it from the start with the same parameters (a new <c>started</c> event, attempt + 1; the old attempt's epoch events
/// are ignored). So no finished trial is lost or run twice, and an interrupted one is re-run, never skipped.</para>
/// </remarks>
public sealed class Study : IDisposable
{
    private readonly Journal? _journal;
    private readonly List<Trial> _memory = [];
    private readonly Dictionary<int, FileStream> _leases = [];
    private readonly Dictionary<int, Stopwatch> _clocks = [];
    private List<Trial> _trials = [];

    /// <summary>
    /// A study of at most <paramref name="maxTrials"/> finished trials proposed by <paramref name="oracle"/>, kept
    /// in memory, or in <paramref name="directory"/> when given (created or resumed).
    /// </summary>
    public Study(Oracle oracle, Objective objective, int maxTrials, string? directory = null,
        HyperParameters? space = null, Pruner? pruner = null)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        ArgumentNullException.ThrowIfNull(objective);
        if (maxTrials < 1)
            throw new ArgumentOutOfRangeException(nameof(maxTrials), $"maxTrials must be >= 1, received {maxTrials}");
        Oracle = oracle;
        Objective = objective;
        oracle.Objective = objective;
        MaxTrials = maxTrials;
        Space = space ?? new HyperParameters();
        Pruner = pruner;
        if (directory is null)
            return;
        Directory = directory;
        _journal = new Journal(directory);
        using (_journal.Lock())
        {
            var events = _journal.Read();
            var header = events.FirstOrDefault(e => (string?)e["event"] == "study");
            if (header is null)
            {
                _journal.Append(new JsonObject
                {
                    ["event"] = "study", ["version"] = 1, ["oracle"] = oracle.Name, ["seed"] = oracle.Seed,
                    ["objective"] = objective.Name, ["direction"] = objective.Direction.ToString().ToLowerInvariant(),
                });
            }
            else if ((string?)header["oracle"] != oracle.Name || (int?)header["seed"] != oracle.Seed ||
                     (string?)header["objective"] != objective.Name)
            {
                throw new InvalidOperationException(
                    $"study '{directory}' was started with strategy '{header["oracle"]}', seed {header["seed"]}, objective " +
                    $"'{header["objective"]}'; received '{oracle.Name}', seed {oracle.Seed}, '{objective.Name}' (use another folder)");
            }
            Replay(events);
        }
    }

    /// <summary>The strategy.</summary>
    public Oracle Oracle { get; }

    /// <summary>What is optimised.</summary>
    public Objective Objective { get; }

    /// <summary>The study ends when this many trials finished (completed, pruned or failed).</summary>
    public int MaxTrials { get; }

    /// <summary>The search space (grows when a trial declares a new parameter).</summary>
    public HyperParameters Space { get; }

    /// <summary>Early stopping of poor trials, or null.</summary>
    public Pruner? Pruner { get; }

    /// <summary>The study folder, or null for an in-memory study.</summary>
    public string? Directory { get; }

    /// <summary>All trials, as of the last journal read (<see cref="Refresh"/> reads it again).</summary>
    public IReadOnlyList<Trial> Trials => _journal is null ? _memory : _trials;

    /// <summary>Trials completed, pruned or failed.</summary>
    public int FinishedCount => Trials.Count(t => t.IsFinished);

    /// <summary>Whether <see cref="MaxTrials"/> trials have finished.</summary>
    public bool IsFinished => FinishedCount >= MaxTrials;

    /// <summary>Completed trials, best first (ties: earlier first).</summary>
    public IReadOnlyList<Trial> BestTrials(int count = 1) => Trials
        .Where(t => t.Status == TrialStatus.Completed && t.Score is not null)
        .OrderBy(t => Objective.ToLoss(t.Score!.Value)).ThenBy(t => t.Number).Take(count).ToList();

    /// <summary>Reads the journal again (other processes may have added trials).</summary>
    public void Refresh()
    {
        if (_journal is null)
            return;
        using (_journal.Lock())
            Replay(_journal.Read());
    }

    /// <summary>
    /// Claims the next trial: an interrupted one (re-run), else a new one from the strategy. Returns null when the
    /// study is finished or the strategy has nothing more to propose; waits while other workers' trials must finish
    /// first (Hyperband between rounds, the last trials of the budget).
    /// </summary>
    public Trial? Ask()
    {
        while (true)
        {
            bool wait;
            if (_journal is null)
            {
                var (trial, w) = Claim(_memory, lease: null);
                if (trial is not null)
                    _memory.Add(trial);
                if (trial is not null || !w)
                    return trial;
                throw new InvalidOperationException("in-memory study: the strategy waits for trials that were never told");
            }
            using (_journal.Lock())
            {
                Replay(_journal.Read());
                foreach (var t in _trials.Where(t => !t.IsFinished && !_leases.ContainsKey(t.Number)).ToList())
                {
                    if (_journal.TryLease(t.Number) is not { } lease)
                        continue;   // a live worker runs it
                    t.Attempt++;
                    AppendStarted(t, lease);
                    return t;
                }
                Trial? claimed;
                (claimed, wait) = Claim(_trials, _journal);
                if (claimed is not null)
                    return claimed;
            }
            if (!wait)
                return null;
            Thread.Sleep(100);
        }
    }

    /// <summary>A trial's hyperparameters for the build function: its values, new parameters drawn by the strategy.</summary>
    public HyperParameters HyperParametersFor(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var snapshot = Trials.ToList();
        return new HyperParameters(Space.Space, trial.Values, (p, hp) =>
        {
            Space.Add(p);
            return Oracle.SampleNew(p, hp, trial.Number, snapshot);
        }, Oracle.Mix(Oracle.Seed, trial.Number, "model"));
    }

    /// <summary>Records <paramref name="value"/> at <paramref name="step"/> (epochs count from 1); true if the pruner says stop.</summary>
    public bool Report(Trial trial, int step, double value, IReadOnlyDictionary<string, double>? logs = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        trial.SetIntermediate(step, value);
        if (_journal is not null)
        {
            var entry = new JsonObject
            {
                ["event"] = "epoch", ["trial"] = trial.Number, ["attempt"] = trial.Attempt, ["step"] = step,
                ["value"] = Json(value),
            };
            if (logs is not null)
                entry["logs"] = new JsonObject(logs.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Json(kv.Value))));
            using (_journal.Lock())
            {
                _journal.Append(entry);
                Replay(_journal.Read());
            }
        }
        var all = Trials.Select(t => t.Number == trial.Number ? trial : t).ToList();
        return Pruner?.ShouldPrune(trial, all, Objective) ?? false;
    }

    /// <summary>
    /// Finishes a trial: its <paramref name="score"/> (null for a failed trial), status, the metrics of its best
    /// step, and the values the build function actually used (parameters it declared while running).
    /// </summary>
    public void Tell(Trial trial, double? score, TrialStatus status = TrialStatus.Completed,
        IReadOnlyDictionary<string, double>? metrics = null, IReadOnlyDictionary<string, object>? values = null,
        string? error = null, JsonObject? extra = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (status == TrialStatus.Running)
            throw new ArgumentException("Tell: a finished trial's status cannot be Running", nameof(status));
        double seconds = _clocks.Remove(trial.Number, out var clock) ? clock.Elapsed.TotalSeconds : 0;
        if (values is not null)
            trial.Values = new Dictionary<string, object>(values);
        trial.Status = status;
        trial.Score = score;
        trial.Error = error;
        trial.Seconds = seconds;
        if (metrics is not null)
            trial.Metrics = new Dictionary<string, double>(metrics);
        trial.BestStep = BestStep(trial);
        if (_journal is null)
            return;
        var entry = new JsonObject
        {
            ["event"] = "finished", ["trial"] = trial.Number, ["attempt"] = trial.Attempt,
            ["status"] = status.ToString().ToLowerInvariant(), ["score"] = score is double s ? Json(s) : null,
            ["params"] = ToJson(trial.Values), ["seconds"] = Math.Round(seconds, 3),
            ["metrics"] = new JsonObject(trial.Metrics.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Json(kv.Value)))),
        };
        if (error is not null)
            entry["error"] = error;
        if (extra is not null)
            foreach (var (k, v) in extra)
                entry[k] = v?.DeepClone();
        using (_journal.Lock())
        {
            _journal.Append(entry);
            if (_leases.Remove(trial.Number, out var lease))
                lease.Dispose();
            Replay(_journal.Read());
        }
    }

    /// <summary>The journal's finished event of a trial (extra fields written by <see cref="Tell"/>), or null.</summary>
    public JsonObject? FinishedEvent(int trialNumber) => _journal?.Read()
        .LastOrDefault(e => (string?)e["event"] == "finished" && (int?)e["trial"] == trialNumber);

    /// <summary>Releases the leases of trials still running here: other workers will re-run them.</summary>
    public void Dispose()
    {
        foreach (var lease in _leases.Values)
            lease.Dispose();
        _leases.Clear();
    }

    private (Trial? Trial, bool Wait) Claim(List<Trial> trials, Journal? lease)
    {
        int finished = trials.Count(t => t.IsFinished);
        int running = trials.Count - finished;
        if (finished >= MaxTrials)
            return (null, false);
        if (finished + running >= MaxTrials)
            return (null, running > 0);
        int number = trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1;
        var proposal = Oracle.Propose(number, Space, trials);
        if (proposal.Values is null)
            return (null, running > 0 && (proposal.IsWait || proposal.IsStop));
        var trial = new Trial(number, new Dictionary<string, object>(proposal.Values), attempt: 1);
        if (lease is not null)
        {
            var handle = lease.TryLease(number) ?? throw new InvalidOperationException(
                $"study '{Directory}': the lease of new trial {number} is held by another process");
            AppendStarted(trial, handle);
        }
        else
            _clocks[number] = Stopwatch.StartNew();
        return (trial, false);
    }

    private void AppendStarted(Trial trial, FileStream lease)
    {
        _journal!.Append(new JsonObject
        {
            ["event"] = "started", ["trial"] = trial.Number, ["attempt"] = trial.Attempt,
            ["params"] = ToJson(trial.Values), ["worker"] = $"{Environment.ProcessId}@{Environment.MachineName}",
        });
        _leases[trial.Number] = lease;
        _clocks[trial.Number] = Stopwatch.StartNew();
        trial.ClearIntermediate();
        Replay(_journal.Read());
        int i = _trials.FindIndex(x => x.Number == trial.Number);
        if (i >= 0)
            _trials[i] = trial;
    }

    private void Replay(List<JsonObject> events)
    {
        var byNumber = new Dictionary<int, Trial>();
        foreach (var e in events)
        {
            string kind = (string?)e["event"] ?? "";
            if (kind == "study" || e["trial"] is null)
                continue;
            int n = (int)e["trial"]!;
            int attempt = (int?)e["attempt"] ?? 1;
            switch (kind)
            {
                case "started":
                    if (byNumber.TryGetValue(n, out var existing) && existing.IsFinished)
                        break;   // a finished trial is never reopened
                    var t = new Trial(n, ParseValues(e["params"] as JsonObject), attempt);
                    byNumber[n] = t;
                    break;
                case "epoch":
                    if (byNumber.TryGetValue(n, out var r) && r.Attempt == attempt && !r.IsFinished)
                        r.SetIntermediate((int)e["step"]!, ReadDouble(e["value"]));
                    break;
                case "finished":
                    if (!byNumber.TryGetValue(n, out var f) || f.IsFinished)
                        break;
                    f.Status = Enum.Parse<TrialStatus>((string)e["status"]!, ignoreCase: true);
                    f.Score = e["score"] is null ? null : ReadDouble(e["score"]);
                    f.Values = ParseValues(e["params"] as JsonObject);
                    f.Error = (string?)e["error"];
                    f.Seconds = (double?)e["seconds"] ?? 0;
                    if (e["metrics"] is JsonObject m)
                        f.Metrics = m.ToDictionary(kv => kv.Key, kv => ReadDouble(kv.Value));
                    f.BestStep = BestStep(f);
                    break;
            }
        }
        // Keep the objects of trials this process runs, so callers' references stay live.
        var mine = _trials.Where(t => _leases.ContainsKey(t.Number)).ToDictionary(t => t.Number);
        _trials = byNumber.Values.OrderBy(t => t.Number).Select(t =>
        {
            if (!mine.TryGetValue(t.Number, out var own) || t.IsFinished)
                return t;
            own.Attempt = t.Attempt;
            return own;
        }).ToList();
    }

    private int? BestStep(Trial t)
    {
        int? best = null;
        foreach (var (s, v) in t.IntermediateValues)
            if (best is null || Objective.IsBetter(v, t.IntermediateValues[best.Value]))
                best = s;
        return best;
    }

    private Dictionary<string, object> ParseValues(JsonObject? o)
    {
        var values = new Dictionary<string, object>();
        if (o is null)
            return values;
        foreach (var (k, v) in o)
            values[k] = Space.Find(k)?.Parse(v) ?? HyperParameter.FromJson(v);
        return values;
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, object> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, HyperParameter.ToJson(kv.Value))));

    private static JsonNode? Json(double v) => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture));

    private static double ReadDouble(JsonNode? n) =>
        n is JsonValue v && v.TryGetValue(out string? s) ? double.Parse(s!, CultureInfo.InvariantCulture) : n!.GetValue<double>();
}
