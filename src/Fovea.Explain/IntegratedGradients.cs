using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Integrated gradients (Sundararajan et al. 2017): IGᵢ(x) = (xᵢ − x'ᵢ) ∫₀¹ ∂F(x' + α(x − x'))/∂xᵢ dα for the target
/// logit F and a baseline x' (zeros unless given), the integral approximated by <see cref="Rule"/> with
/// <see cref="Steps"/> gradient evaluations. The points are evaluated <see cref="InternalBatchSize"/> at a time, so
/// memory stays O(batch) whatever the number of steps. Completeness says Σᵢ IGᵢ = F(x) − F(x'); the result's
/// <see cref="Attribution.ConvergenceDelta"/> reports Σᵢ IGᵢ − (F(x) − F(x')) per sample, which goes to 0 as the
/// number of steps grows.
/// </summary>
/// <param name="model">The model; its logits (pre-softmax) are explained.</param>
public sealed class IntegratedGradients(Model model) : IAttributionMethod
{
    private readonly ClassScore _score = new(model);

    /// <summary>Gradient evaluations per sample (default 50, Captum's default).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>The quadrature rule (default <see cref="IntegrationRule.GaussLegendre"/>, Captum's default).</summary>
    public IntegrationRule Rule { get; init; } = IntegrationRule.GaussLegendre;

    /// <summary>Points per forward/backward pass (default 32).</summary>
    public int InternalBatchSize { get; init; } = 32;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target) => Attribute(inputs, target, null);

    /// <summary>Integrated gradients against <paramref name="baseline"/>: [N, C, H, W] like the inputs, one sample
    /// [1, C, H, W] or [C, H, W] for all, or null for zeros.</summary>
    public Attribution Attribute(Tensor inputs, int target, Tensor? baseline)
    {
        Inputs.Check(inputs, nameof(IntegratedGradients));
        Inputs.CheckBaseline(baseline, inputs, nameof(IntegratedGradients));
        var (alphas, weights) = Quadrature.Of(Rule, Steps);
        int n = inputs.Shape[0], sample = inputs.Length / n;
        var sampleShape = inputs.Shape.WithoutBatch();
        var result = new float[inputs.Length];
        var delta = new float[n];
        var baselines = new float[inputs.Length];
        for (int i = 0; i < n; i++)
        {
            var x = Inputs.Sample(inputs, i).ToArray();
            var x0 = Inputs.BaselineOf(baseline, i, sample).ToArray();
            x0.CopyTo(baselines, i * sample);
            var sum = new double[sample];
            PointBatches.Run(_score, sampleShape, alphas.Length, InternalBatchSize, target,
                (k, p) =>
                {
                    float a = (float)alphas[k];
                    for (int j = 0; j < p.Length; j++)
                        p[j] = x0[j] + a * (x[j] - x0[j]);
                },
                (k, g, _) =>
                {
                    for (int j = 0; j < g.Length; j++)
                        sum[j] += weights[k] * g[j];
                });
            var r = result.AsSpan(i * sample, sample);
            for (int j = 0; j < sample; j++)
                r[j] = (float)((x[j] - x0[j]) * sum[j]);
        }
        var fx = _score.Scores(inputs, target, InternalBatchSize);
        var fb = _score.Scores(Tensor.Wrap(baselines, inputs.Shape), target, InternalBatchSize);
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            foreach (float v in result.AsSpan(i * sample, sample))
                s += v;
            delta[i] = (float)(s - (fx[i] - fb[i]));
        }
        return new Attribution(Tensor.Wrap(result, inputs.Shape), delta);
    }
}
