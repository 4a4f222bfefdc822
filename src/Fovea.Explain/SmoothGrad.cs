using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// SmoothGrad (Smilkov et al. 2017): the mean over <see cref="Samples"/> noisy copies x + ε, ε ~ N(0, σ²), of the
/// gradient of the target logit, with σ = <see cref="NoiseLevel"/> · (max x − min x) per sample (the paper's noise
/// level). Seeded: the same <see cref="Seed"/> gives the same result. Copies run <see cref="InternalBatchSize"/> at a
/// time.
/// </summary>
/// <param name="model">The model; its logits (pre-softmax) are explained.</param>
public sealed class SmoothGrad(Model model) : IAttributionMethod
{
    private readonly ClassScore _score = new(model);

    /// <summary>Noisy copies per sample (default 50).</summary>
    public int Samples { get; init; } = 50;

    /// <summary>σ / (max − min) of each sample (default 0.15, the paper's 10–20 %).</summary>
    public float NoiseLevel { get; init; } = 0.15f;

    /// <summary>Average the squared gradients instead (SmoothGrad², default false).</summary>
    public bool Squared { get; init; }

    /// <summary>Seed of the noise (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Points per forward/backward pass (default 32).</summary>
    public int InternalBatchSize { get; init; } = 32;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(SmoothGrad));
        int n = inputs.Shape[0], sample = inputs.Length / n;
        var result = new float[inputs.Length];
        var rng = new Rng(Seed);
        for (int i = 0; i < n; i++)
        {
            var x = Inputs.Sample(inputs, i).ToArray();
            float sigma = NoiseLevel * (x.Max() - x.Min());
            var sum = new double[sample];
            PointBatches.Run(_score, inputs.Shape.WithoutBatch(), Samples, InternalBatchSize, target,
                (_, p) =>
                {
                    for (int j = 0; j < p.Length; j++)
                        p[j] = x[j] + sigma * (float)rng.NextNormal();
                },
                (_, g, _) =>
                {
                    for (int j = 0; j < g.Length; j++)
                        sum[j] += Squared ? (double)g[j] * g[j] : g[j];
                });
            for (int j = 0; j < sample; j++)
                result[i * sample + j] = (float)(sum[j] / Samples);
        }
        return new Attribution(Tensor.Wrap(result, inputs.Shape));
    }
}
