namespace Fovea.Explain;

/// <summary>
/// One step of <see cref="SanityChecks.ModelRandomization"/>: after randomising the layers from the top down to
/// <see cref="Layer"/>, the mean over samples of Spearman's ρ between each method's |attribution| maps before and after
/// (1: unchanged ranking, 0: unrelated).
/// </summary>
/// <param name="Layer">The last layer randomised (every layer above it is randomised too).</param>
/// <param name="Correlations">Method name → mean ρ.</param>
/// <param name="Maps">Method name → the attribution maps after this step (for figures).</param>
public sealed record RandomizationResult(string Layer, IReadOnlyDictionary<string, double> Correlations,
    IReadOnlyDictionary<string, Tensors.Tensor> Maps);
