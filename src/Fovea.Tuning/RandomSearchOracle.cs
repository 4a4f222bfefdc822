namespace Fovea.Tuning;

/// <summary>Every tunable parameter drawn from its distribution, independently (KerasTuner's <c>RandomSearch</c>).</summary>
public sealed class RandomSearchOracle(int seed = 0) : Oracle(seed)
{
    private const int MaxCollisions = 100;

    /// <inheritdoc/>
    public override string Name => "random";

    /// <inheritdoc/>
    public override Proposal Propose(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials)
    {
        var rng = TrialRandom(trialNumber, "random");
        for (int attempt = 0; attempt < MaxCollisions; attempt++)
        {
            var values = Assign(space, p => p.Sample(rng));
            if (!AlreadyTried(values, trials) || values.Count == 0)
                return Proposal.Run(values);
        }
        return Proposal.Stop;   // the space looks exhausted (KerasTuner stops after as many collisions)
    }
}
