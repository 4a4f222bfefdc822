namespace Fovea.Tuning;

/// <summary>
/// The tree-structured Parzen estimator as Optuna's <c>TPESampler</c> runs it (univariate, Optuna 3.1 defaults):
/// the first <see cref="StartupTrials"/> trials are random; then, for each parameter, the scored trials are split
/// into the best gamma(n) = min(ceil(0.1·n), 25) ("below") and the rest ("above"); each group becomes a Parzen
/// estimator (one truncated normal per observation at the observation, bandwidth the larger distance to its
/// neighbours with the ends clipped to the range/min(100, 1 + n), plus a prior N(centre, range) of weight 1;
/// observation weights 1, or a ramp from 1/n for the oldest when n &gt; 25); <see cref="EiCandidates"/> draws from
/// l(x) (below) are scored by log l(x) - log g(x) and the best is taken. Log parameters work in log space, integer and
/// stepped ones on their grid (the normal's mass over the step), choices with Optuna's categorical kernel.
/// Pruned trials rank after completed ones, by how far they got (Optuna's (-step, value)).
/// As in Optuna 3.1 (the version the tests compare with), a continuous kernel's log density is that of the
/// standardised variable, log φ(z) - log(Φ(b) - Φ(a)), without -log σ; <c>densityWithScale: true</c> adds it.
/// </summary>
public sealed class TpeOracle(int seed = 0, int nStartupTrials = 10, int nEiCandidates = 24, bool densityWithScale = false)
    : Oracle(seed)
{
    /// <summary>Whether kernel densities include the 1/σ factor (false: as Optuna 3.1).</summary>
    public bool DensityWithScale { get; } = densityWithScale;

    private const double PriorWeight = 1.0;

    /// <summary>Random trials before the estimators take over (Optuna's n_startup_trials, 10).</summary>
    public int StartupTrials { get; } = nStartupTrials;

    /// <summary>Candidates drawn from l(x) per parameter (Optuna's n_ei_candidates, 24).</summary>
    public int EiCandidates { get; } = nEiCandidates;

    /// <inheritdoc/>
    public override string Name => "tpe";

    /// <summary>Optuna's default gamma: min(ceil(0.1·n), 25).</summary>
    public static int Gamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>Optuna's default weights: ones, or a linear ramp from 1/n for the oldest n - 25 when n &gt; 25.</summary>
    public static double[] Weights(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++)
            w[i] = n < 25 ? 1.0 : i < n - 25 ? (n - 25 == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (n - 26)) : 1.0;
        return w;
    }

    /// <inheritdoc/>
    public override Proposal Propose(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials) =>
        Proposal.Run(Assign(space, p => SampleParameter(p, trialNumber, trials)));

    /// <inheritdoc/>
    public override object SampleNew(HyperParameter parameter, HyperParameters current, int trialNumber,
        IReadOnlyList<Trial> trials) => SampleParameter(parameter, trialNumber, trials);

    private object SampleParameter(HyperParameter p, int trialNumber, IReadOnlyList<Trial> trials)
    {
        var rng = TrialRandom(trialNumber, "tpe:" + p.Name);
        var scored = Scored(trials).OrderBy(t => t.Number).ToList();
        if (scored.Count < StartupTrials)
            return p.Sample(rng);
        int nBelow = Gamma(scored.Count);
        // Optuna's ranking: completed trials first (step -inf), pruned ones by (-last step, value); stable.
        var ranked = scored.Select((t, i) => (t, i))
            .OrderBy(x => x.t.Status == TrialStatus.Completed ? double.NegativeInfinity : -(x.t.LastStep ?? -1))
            .ThenBy(x => RankValue(x.t)).ThenBy(x => x.i).ToList();
        var belowSet = ranked.Take(nBelow).Select(x => x.t.Number).ToHashSet();
        var dim = TpeDimension.For(p);
        var below = new List<double>();
        var above = new List<double>();
        foreach (var t in scored)
        {
            if (!t.Values.TryGetValue(p.Name, out var v))
                continue;
            (belowSet.Contains(t.Number) ? below : above).Add(dim.ToInternal(v));
        }
        var l = new ParzenEstimator(dim, below, PriorWeight, DensityWithScale);
        var g = new ParzenEstimator(dim, above, PriorWeight, DensityWithScale);
        double bestScore = double.NegativeInfinity;
        double best = 0;
        for (int k = 0; k < EiCandidates; k++)
        {
            double x = l.Sample(rng);
            double score = l.LogPdf(x) - g.LogPdf(x);
            if (score > bestScore)
            {
                bestScore = score;
                best = x;
            }
        }
        return dim.FromInternal(best);
    }

    private double RankValue(Trial t)
    {
        if (t.Status == TrialStatus.Completed)
            return Loss(t);
        if (t.LastStep is int s && t.IntermediateValues.TryGetValue(s, out double v))
            return double.IsNaN(v) ? double.PositiveInfinity : Objective.ToLoss(v);
        return Loss(t);
    }
}
