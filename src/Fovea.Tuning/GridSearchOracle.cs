namespace Fovea.Tuning;

/// <summary>
/// Every combination of the parameters' grid values, in declaration order, the last parameter varying fastest
/// (KerasTuner's <c>GridSearch</c>); conditional parameters enter only the combinations where they are active.
/// Continuous floats contribute 10 evenly spread values (<see cref="FloatHyperParameter.GridValues"/>).
/// </summary>
public sealed class GridSearchOracle(int seed = 0) : Oracle(seed)
{
    /// <inheritdoc/>
    public override string Name => "grid";

    /// <inheritdoc/>
    public override int? Capacity(HyperParameters space) => Combinations(space, 0, []).Count();

    /// <inheritdoc/>
    public override Proposal Propose(int trialNumber, HyperParameters space, IReadOnlyList<Trial> trials)
    {
        foreach (var values in Combinations(space, 0, []))
            if (!AlreadyTried(values, trials))
                return Proposal.Run(values);
        return Proposal.Stop;
    }

    private static IEnumerable<Dictionary<string, object>> Combinations(HyperParameters space, int index,
        Dictionary<string, object> prefix)
    {
        if (index == space.Space.Count)
        {
            yield return new Dictionary<string, object>(prefix);
            yield break;
        }
        var p = space.Space[index];
        if (!space.IsActive(p, prefix))
        {
            foreach (var c in Combinations(space, index + 1, prefix))
                yield return c;
            yield break;
        }
        foreach (var v in p.IsTunable ? p.GridValues() : [p.Default])
        {
            prefix[p.Name] = v;
            foreach (var c in Combinations(space, index + 1, prefix))
                yield return c;
            prefix.Remove(p.Name);
        }
    }
}
