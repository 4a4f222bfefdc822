using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// The model-parameter randomisation test of Adebayo et al. 2018 ("Sanity checks for saliency maps"): the weights of
/// the model are re-initialised cascading from the top layer down, and after each layer the attribution maps are
/// compared with those of the trained model by Spearman's rank correlation of their absolute values. A method that
/// explains the model should change (ρ falls: gradients, Grad-CAM); one that does not depend on the top layers stays
/// high (the paper's negative result for guided backpropagation).
/// </summary>
public static class SanityChecks
{
    /// <summary>
    /// Runs the cascading randomisation. Each layer with a weight of rank ≥ 2 (a kernel) is randomised, top first:
    /// those kernels get He-normal values N(0, 2 / fan_in) from <paramref name="seed"/> (biases, normalisation
    /// scales and running statistics are kept). The model's weights are restored afterwards, also on error.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="methods">Named methods built on <paramref name="model"/> (they see the weights change).</param>
    /// <param name="inputs">Samples [N, C, H, W].</param>
    /// <param name="target">The class explained.</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <returns>The trained model's maps first (layer "none", ρ = 1), then one result per randomised layer.</returns>
    public static IReadOnlyList<RandomizationResult> ModelRandomization(Model model,
        IReadOnlyList<(string Name, IAttributionMethod Method)> methods, Tensor inputs, int target, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(methods);
        var layers = model.Layers.Where(l => l.Weights.Any(w => w.Rank >= 2)).Reverse().ToList();
        var saved = layers.SelectMany(l => l.Weights).Distinct().Select(p => (p, p.ToArray())).ToList();
        var rng = new Rng(seed);
        try
        {
            var reference = methods.ToDictionary(m => m.Name, m => m.Method.Attribute(inputs, target).Values);
            var results = new List<RandomizationResult>
            {
                new("none", methods.ToDictionary(m => m.Name, _ => 1.0), reference),
            };
            foreach (var layer in layers)
            {
                foreach (var w in layer.Weights.Where(w => w.Rank >= 2))
                {
                    double std = Math.Sqrt(2.0 / (w.Length / w.Shape[0]));
                    var span = w.AsSpan();
                    for (int i = 0; i < span.Length; i++)
                        span[i] = (float)(rng.NextNormal() * std);
                }
                var maps = methods.ToDictionary(m => m.Name, m => m.Method.Attribute(inputs, target).Values);
                var rho = methods.ToDictionary(m => m.Name,
                    m => MeanAbsRankCorrelation(reference[m.Name], maps[m.Name]));
                results.Add(new RandomizationResult(layer.Name ?? "?", rho, maps));
            }
            return results;
        }
        finally
        {
            foreach (var (p, values) in saved)
                values.CopyTo(p.AsSpan());
        }
    }

    /// <summary>Mean over samples of Spearman's ρ between |a| and |b| (each [N, ...]).</summary>
    public static double MeanAbsRankCorrelation(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape != b.Shape)
            throw new FoveaException($"SanityChecks: maps of shapes {a.Shape} and {b.Shape}");
        int n = a.Shape[0], per = a.Length / n;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var x = a.AsReadOnlySpan().Slice(i * per, per).ToArray().Select(MathF.Abs).ToArray();
            var y = b.AsReadOnlySpan().Slice(i * per, per).ToArray().Select(MathF.Abs).ToArray();
            sum += Spearman.Correlation(x, y);
        }
        return sum / n;
    }
}
