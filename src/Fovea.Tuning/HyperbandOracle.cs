using System.Globalization;

namespace Fovea.Tuning;

/// <summary>
/// Hyperband with KerasTuner's bracket schedule. Brackets s = B-1 ... 0, where B counts how often
/// <see cref="MaxEpochs"/> divides by <see cref="Factor"/> before falling under 1; bracket s has s + 1 rounds;
/// round r of bracket s holds ceil(ceil(1 + log_factor(maxEpochs)) / (s + 1) · factor^(s - r)) trials trained to
/// ceil(maxEpochs / factor^(s - r)) epochs. Round 0 draws random configurations; round r promotes the best
/// finished trials of round r - 1, which resume from their weights (<c>tuner/trial_id</c>) and train from
/// <c>tuner/initial_epoch</c> to <c>tuner/epochs</c>. maxEpochs 10, factor 3: 30 trials and 120 epochs per iteration.
/// </summary>
public sealed class HyperbandOracle : Oracle
{
    /// <summary>Trial value keys the runner reads, as KerasTuner names them.</summary>
    public const string EpochsKey = "tuner/epochs", InitialEpochKey = "tuner/initial_epoch",
        BracketKey = "tuner/bracket", RoundKey = "tuner/round", IterationKey = "tuner/iteration",
        TrialIdKey = "tuner/trial_id";

    /// <summary>Hyperband over at most <paramref name="maxEpochs"/> epochs per model.</summary>
    public HyperbandOracle(int maxEpochs, int factor = 3, int hyperbandIterations = 1, int seed = 0)
        : base(seed)
    {
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpochs), $"Hyperband: maxEpochs must be >= 1, received {maxEpochs}");
        if (factor < 2)
            throw new ArgumentOutOfRangeException(nameof(factor), $"Hyperband: factor must be >= 2, received {factor}");
        if (hyperbandIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(hyperbandIterations), $"Hyperband: iterations must be >= 1, received {hyperbandIterations}");
        MaxEpochs = maxEpochs;
        Factor = factor;
        Iterations = hyperbandIterations;
    }

    /// <summary>Most epochs one model trains.</summary>
    public int MaxEpochs { get; }

    /// <summary>Reduction factor between rounds.</summary>
    public int Factor { get; }

    /// <summary>How many times the whole set of brackets runs.</summary>
    public int Iterations { get; }

    /// <inheritdoc/>
    public override string Name => "hyperband";

    /// <summary>Number of brackets: how many times maxEpochs divides by factor while staying >= 1.</summary>
    public int BracketCount
    {
        get
        {
            double epochs = MaxEpochs;
            int brackets = 0;
            while (epochs >= 1)
            {
                epochs /= Factor;
                brackets++;
            }
            return brackets;
        }
    }

    /// <summary>Trials in round <paramref name="round"/> of bracket <paramref name="bracket"/>.</summary>
    public int Size(int bracket, int round)
    {
        double bracket0End = Math.Ceiling(1 + Math.Log(MaxEpochs) / Math.Log(Factor));
        return (int)Math.Ceiling(bracket0End / (bracket + 1) * Math.Pow(Factor, bracket - round));
    }

    /// <summary>Epochs trained to in round <paramref name="round"/> of bracket <paramref name="bracket"/>.</summary>
    public int Epochs(int bracket, int round) => (int)Math.Ceiling(MaxEpochs / Math.Pow(Factor, bracket - round));

    /// <summary>Trials one full schedule runs (all iterations).</summary>
    public int TrialsPerSearch() =>
        Iterations * Enumerable.Range(0, BracketCount).Sum(s => Enumerable.Range(0, s + 1).Sum(r => Size(s, r)));

    /// <summary>Epochs one iteration trains in total (promoted trials train only their new epochs).</summary>
    public int EpochsPerIteration() => Enumerable.Range(0, BracketCount).Sum(s =>
        Enumerable.Range(0, s + 1).Sum(r => Size(s, r) * (Epochs(s, r) - (r == 0 ? 0 : Epochs(s, r - 1)))));

    /// <inheritdoc/>
    public override int? Capacity(HyperParameters space) => TrialsPerSearch();

    /// <inheritdoc/>
    public override Proposal Propose(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials)
    {
        for (int it = 0; it < Iterations; it++)
        {
            for (int s = BracketCount - 1; s >= 0; s--)
            {
                var mine = trials.Where(t => Get(t, IterationKey) == it && Get(t, BracketKey) == s).ToList();
                List<Trial> Round(int r) => mine.Where(t => Get(t, RoundKey) == r).ToList();
                if (Round(s).Count >= Size(s, s))
                    continue;   // complete
                if (Round(0).Count < Size(s, 0))
                    return NewTrial(trialNumber, space, trials, it, s);
                for (int r = 1; r <= s; r++)
                {
                    var current = Round(r);
                    if (current.Count >= Size(s, r))
                        continue;
                    var past = Round(r - 1);
                    var promoted = current.Select(t => Get(t, TrialIdKey)).ToHashSet();
                    var candidates = past.Where(t => t.Status == TrialStatus.Completed && t.Score is not null &&
                        !promoted.Contains(t.Number)).OrderBy(Loss).ThenBy(t => t.Number).ToList();
                    bool pastSettled = past.Count >= Size(s, r - 1) && past.All(t => t.IsFinished);
                    if (candidates.Count > Size(s, r - 1) - Size(s, r) || (pastSettled && candidates.Count > 0))
                        return Promote(candidates[0], it, s, r);
                }
                // Nothing to run in this bracket now: KerasTuner moves on to the next bracket.
            }
        }
        return trials.Any(t => !t.IsFinished) ? Proposal.Wait : Proposal.Stop;
    }

    private Proposal NewTrial(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials, int iteration, int bracket)
    {
        var rng = TrialRandom(trialNumber, "hyperband");
        Dictionary<string, object> values = [];
        for (int attempt = 0; attempt < 100; attempt++)
        {
            values = Assign(space, p => p.Sample(rng));
            if (!trials.Any(t => SameValues(Strip(t.Values), values)))
                break;
        }
        values[EpochsKey] = Epochs(bracket, 0);
        values[InitialEpochKey] = 0;
        values[BracketKey] = bracket;
        values[RoundKey] = 0;
        values[IterationKey] = iteration;
        return Proposal.Run(values);
    }

    private Proposal Promote(Trial best, int iteration, int bracket, int round)
    {
        var values = new Dictionary<string, object>(best.Values)
        {
            [TrialIdKey] = best.Number,
            [EpochsKey] = Epochs(bracket, round),
            [InitialEpochKey] = Epochs(bracket, round - 1),
            [BracketKey] = bracket,
            [RoundKey] = round,
            [IterationKey] = iteration,
        };
        return Proposal.Run(values);
    }

    /// <summary>The values without Hyperband's bookkeeping keys.</summary>
    public static Dictionary<string, object> Strip(IReadOnlyDictionary<string, object> values) =>
        values.Where(kv => !kv.Key.StartsWith("tuner/", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static int Get(Trial t, string key) =>
        t.Values.TryGetValue(key, out var v) ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : -1;
}
