namespace Fovea.Tuning;

/// <summary>
/// Bayesian optimisation (KerasTuner's <c>BayesianOptimization</c>): after <see cref="InitialPoints"/> random trials,
/// a <see cref="GaussianProcess"/> (Matérn 5/2, length scales and noise fitted by marginal likelihood) models the
/// standardised loss over the parameters' unit cube; the next trial maximises the <see cref="Acquisition"/> over
/// 2,000 random points and Gaussian steps around the 5 best trials. Inactive conditional parameters sit at their
/// default's point, so they neither leak values nor move the model.
/// </summary>
public sealed class BayesianOptimizationOracle(int seed = 0, int? numInitialPoints = null,
    Acquisition acquisition = Acquisition.ExpectedImprovement, double beta = 2.6) : Oracle(seed)
{
    private const int RandomCandidates = 2000;
    private const int LocalCandidates = 100;
    private const double Xi = 0.01;

    /// <summary>
    /// Random trials before the model is used: as given, else 3 per tunable dimension (KerasTuner) capped at 10 so
    /// that a 20-trial search of a 17-parameter space still gets model-guided trials.
    /// </summary>
    public int? InitialPoints { get; } = numInitialPoints;

    /// <summary>The acquisition function.</summary>
    public Acquisition Acquisition { get; } = acquisition;

    /// <summary>β of the confidence bound.</summary>
    public double Beta { get; } = beta;

    /// <inheritdoc/>
    public override string Name => "bayesian";

    /// <inheritdoc/>
    public override Proposal Propose(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials)
    {
        var rng = TrialRandom(trialNumber, "bayesian");
        var dims = space.Space.Where(p => p.IsTunable).ToList();
        var scored = Scored(trials);
        int initial = InitialPoints ?? Math.Clamp(3 * dims.Count, 2, 10);
        if (scored.Count < initial || dims.Count == 0)
            return RandomProposal(space, trials, rng);

        var x = scored.Select(t => Encode(dims, t.Values)).ToArray();
        var losses = scored.Select(Loss).ToArray();
        double mean = losses.Average();
        double std = Math.Sqrt(losses.Sum(v => (v - mean) * (v - mean)) / losses.Length);
        if (!(std > 1e-12))
            std = 1;
        var y = losses.Select(v => (v - mean) / std).ToArray();
        var gp = GaussianProcess.Fit(x, y, restarts: 2, seed: rng.Next());
        double best = y.Min();

        double Score(double[] u)
        {
            var (mu, variance) = gp.Predict(u);
            double sigma = Math.Sqrt(variance + 1e-12);
            if (Acquisition == Acquisition.UpperConfidenceBound)
                return -(mu - Beta * sigma);
            double improvement = best - mu - Xi;
            double z = improvement / sigma;
            return improvement * Normal.Cdf(z) + sigma * Normal.Pdf(z);
        }

        var candidates = new List<double[]>();
        for (int i = 0; i < RandomCandidates; i++)
            candidates.Add(dims.Select(_ => rng.NextDouble()).ToArray());
        foreach (int i in Enumerable.Range(0, y.Length).OrderBy(i => y[i]).Take(5))
            for (int k = 0; k < LocalCandidates / 5 * 4; k++)
                candidates.Add(x[i].Select(v => Math.Clamp(v + 0.1 * Gaussian(rng), 0, 1)).ToArray());
        var ranked = candidates.Select(c => (c, s: Score(c))).OrderByDescending(t => t.s).ToList();
        foreach (var (c, _) in ranked.Take(50))
        {
            var values = Assign(space, p => p.FromUnit(c[dims.IndexOf(p)]));
            if (!AlreadyTried(values, trials))
                return Proposal.Run(values);
        }
        return RandomProposal(space, trials, rng);
    }

    private static Proposal RandomProposal(HyperParameters space, IReadOnlyList<Trial> trials, Random rng)
    {
        Dictionary<string, object> values = [];
        for (int attempt = 0; attempt < 100; attempt++)
        {
            values = Assign(space, p => p.Sample(rng));
            if (!AlreadyTried(values, trials))
                return Proposal.Run(values);
        }
        return Proposal.Stop;
    }

    private static double[] Encode(List<HyperParameter> dims, IReadOnlyDictionary<string, object> values) =>
        dims.Select(p => p.ToUnit(values.TryGetValue(p.Name, out var v) ? v : p.Default)).ToArray();

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
