using System.Text;

namespace Fovea.Tuning;

/// <summary>
/// A search strategy (KerasTuner's oracle, Optuna's sampler): given the space and the trials so far, the values of
/// the next trial. Strategies are deterministic functions of (seed, trial number, finished trials), so a study
/// resumed from its journal continues as it would have, and the same seed gives the same search.
/// </summary>
public abstract class Oracle
{
    /// <summary>A strategy seeded with <paramref name="seed"/>.</summary>
    protected Oracle(int seed) => Seed = seed;

    /// <summary>The seed every random draw derives from.</summary>
    public int Seed { get; }

    /// <summary>Short name written in the journal ("random", "tpe", ...).</summary>
    public abstract string Name { get; }

    /// <summary>What is optimised; set by the study (default: minimise "loss").</summary>
    public Objective Objective { get; set; } = new("loss", Direction.Minimize);

    /// <summary>Most trials this strategy can run by itself (grid size, Hyperband schedule), or null for no limit.</summary>
    public virtual int? Capacity(HyperParameters space) => null;

    /// <summary>Values of the known, active parameters of trial <paramref name="trialNumber"/>, or wait, or stop.</summary>
    public abstract Proposal Propose(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials);

    /// <summary>
    /// The value of a parameter first declared while trial <paramref name="trialNumber"/> runs (define-by-run);
    /// by default a random draw (Optuna: independent sampling).
    /// </summary>
    public virtual object SampleNew(HyperParameter parameter, HyperParameters current, int trialNumber,
        IReadOnlyList<Trial> trials) => parameter.Sample(TrialRandom(trialNumber, parameter.Name));

    /// <summary>A random stream fixed by the seed, the trial number and <paramref name="salt"/>.</summary>
    protected Random TrialRandom(int trialNumber, string salt = "") => new(Mix(Seed, trialNumber, salt));

    /// <summary>The trials with a score (completed, or pruned with a reported value).</summary>
    protected static List<Trial> Scored(IReadOnlyList<Trial> trials) =>
        trials.Where(t => t.Status is TrialStatus.Completed or TrialStatus.Pruned && t.Score is { } s && !double.IsNaN(s)).ToList();

    /// <summary>The trial's score as a loss (smaller is better).</summary>
    protected double Loss(Trial t) => Objective.ToLoss(t.Score!.Value);

    /// <summary>
    /// Walks the space in declaration order and picks a value for each parameter that is active given the values
    /// picked before it (fixed parameters take their value).
    /// </summary>
    protected static Dictionary<string, object> Assign(HyperParameters space, Func<HyperParameter, object> pick)
    {
        var values = new Dictionary<string, object>();
        foreach (var p in space.Space)
        {
            if (!space.IsActive(p, values))
                continue;
            values[p.Name] = p.IsTunable ? pick(p) : p.Default;
        }
        return values;
    }

    /// <summary>Whether a trial already has exactly these values.</summary>
    protected static bool AlreadyTried(IReadOnlyDictionary<string, object> values, IReadOnlyList<Trial> trials) =>
        trials.Any(t => SameValues(t.Values, values));

    /// <summary>Same keys, same values (numbers by value).</summary>
    public static bool SameValues(IReadOnlyDictionary<string, object> a, IReadOnlyDictionary<string, object> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && HyperParameter.ValueEquals(kv.Value, v));

    internal static int Mix(int seed, int number, string salt)
    {
        // FNV-1a over the seed, the number and the salt (stable across processes, unlike string.GetHashCode), then
        // the SplitMix64 finaliser: neighbouring trial numbers must give unrelated seeds, because System.Random's
        // seeded generator returns correlated first draws for close seeds.
        ulong h = 14695981039346656037;
        foreach (byte b in BitConverter.GetBytes(seed).Concat(BitConverter.GetBytes(number)).Concat(Encoding.UTF8.GetBytes(salt)))
            h = (h ^ b) * 1099511628211;
        h += 0x9E3779B97F4A7C15;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EB;
        h ^= h >> 31;
        return (int)(h & int.MaxValue);
    }
}
