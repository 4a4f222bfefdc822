using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// GradientSHAP (Lundberg and Lee 2017; Captum's <c>GradientShap</c>): expected gradients. For each of
/// <see cref="Samples"/> draws, a baseline b is picked at random from the baselines, Gaussian noise of standard
/// deviation <see cref="Stdev"/> is added to the input (x̃), α ~ U(0, 1), and the gradient of the target logit at
/// b + α(x̃ − b) is multiplied by (x̃ − b); the attribution is the mean over draws. In expectation the attributions
/// sum to E[F(x̃) − F(b)]; <see cref="Attribution.ConvergenceDelta"/> reports Σ attributions minus the mean of
/// F(x̃) − F(b) over the draws. Seeded.
/// </summary>
/// <param name="model">The model; its logits (pre-softmax) are explained.</param>
public sealed class GradientShap(Model model) : IAttributionMethod
{
    private readonly ClassScore _score = new(model);

    /// <summary>Draws per sample (default 50).</summary>
    public int Samples { get; init; } = 50;

    /// <summary>Standard deviation of the noise added to the input (default 0).</summary>
    public float Stdev { get; init; }

    /// <summary>Seed of the draws (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Points per forward/backward pass (default 32).</summary>
    public int InternalBatchSize { get; init; } = 32;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target) => Attribute(inputs, target, null);

    /// <summary>GradientSHAP against a distribution of baselines [B, C, H, W] (null: one baseline of zeros).</summary>
    public Attribution Attribute(Tensor inputs, int target, Tensor? baselines)
    {
        Inputs.Check(inputs, nameof(GradientShap));
        int n = inputs.Shape[0], sample = inputs.Length / n;
        if (baselines is not null && (baselines.Length % sample != 0 || baselines.Length == 0))
            throw new FoveaException($"GradientShap: baselines of shape {baselines.Shape} are not samples shaped " +
                $"like the inputs {inputs.Shape}");
        var b = baselines?.ToArray() ?? new float[sample];
        int nb = b.Length / sample;
        var sampleShape = inputs.Shape.WithoutBatch();
        var result = new float[inputs.Length];
        var delta = new float[n];
        var rng = new Rng(Seed);
        for (int i = 0; i < n; i++)
        {
            var x = Inputs.Sample(inputs, i).ToArray();
            var noisy = new float[Samples * sample];
            var chosen = new int[Samples];
            var sum = new double[sample];
            for (int k = 0; k < Samples; k++)
            {
                chosen[k] = rng.NextInt(nb);
                for (int j = 0; j < sample; j++)
                    noisy[k * sample + j] = x[j] + (Stdev > 0 ? Stdev * (float)rng.NextNormal() : 0f);
            }
            var alphas = Enumerable.Range(0, Samples).Select(_ => rng.NextFloat()).ToArray();
            PointBatches.Run(_score, sampleShape, Samples, InternalBatchSize, target,
                (k, p) =>
                {
                    int o = chosen[k] * sample;
                    for (int j = 0; j < p.Length; j++)
                        p[j] = b[o + j] + alphas[k] * (noisy[k * sample + j] - b[o + j]);
                },
                (k, g, _) =>
                {
                    int o = chosen[k] * sample;
                    for (int j = 0; j < g.Length; j++)
                        sum[j] += g[j] * (noisy[k * sample + j] - b[o + j]);
                });
            double total = 0;
            for (int j = 0; j < sample; j++)
            {
                result[i * sample + j] = (float)(sum[j] / Samples);
                total += sum[j] / Samples;
            }
            var fNoisy = _score.Scores(Tensor.Wrap(noisy, sampleShape.WithBatch(Samples)), target, InternalBatchSize);
            var fBase = _score.Scores(Tensor.Wrap(b, sampleShape.WithBatch(nb)), target, InternalBatchSize);
            delta[i] = (float)(total - Enumerable.Range(0, Samples).Average(k => fNoisy[k] - fBase[chosen[k]]));
        }
        return new Attribution(Tensor.Wrap(result, inputs.Shape), delta);
    }
}
