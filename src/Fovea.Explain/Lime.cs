using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// LIME for images (Ribeiro et al. 2016; the <c>lime</c> package's <c>LimeImageExplainer</c>): the image is cut into
/// superpixels (<see cref="Superpixels"/>); <see cref="Samples"/> binary masks are drawn (the first keeps every
/// superpixel, the others keep each with probability ½), each masked image is scored (hidden superpixels take their
/// mean colour by default), each mask is weighted by the exponential kernel √exp(−d² / width²) of its cosine distance
/// d to the all-ones mask with <see cref="KernelWidth"/> 0.25, and a weighted ridge regression
/// (<see cref="WeightedRidge"/>, α = <see cref="Alpha"/>) of the target logit on the masks gives one coefficient per
/// superpixel. The result paints each pixel with its superpixel's coefficient, [N, 1, H, W]. Seeded; masked images are
/// scored <see cref="BatchSize"/> at a time.
/// </summary>
public sealed class Lime : IAttributionMethod
{
    private readonly Scorer _scorer;

    /// <summary>LIME of a model's logits (pre-softmax).</summary>
    public Lime(Model model) => _scorer = Scorer.Of(model);

    /// <summary>LIME of any function [B, C, H, W] → [B, K].</summary>
    public Lime(Func<Tensor, Tensor> forward) => _scorer = Scorer.Of(forward);

    /// <summary>Masks per image (default 1000, LIME's num_samples).</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Kernel width on the cosine distance (default 0.25, LIME's image default).</summary>
    public double KernelWidth { get; init; } = 0.25;

    /// <summary>Ridge penalty (default 1, LIME's Ridge(alpha=1)).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>The superpixels.</summary>
    public SuperpixelOptions Superpixels { get; init; } = new();

    /// <summary>Seed of the masks (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Masked images per model call (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The superpixel labels [H·W] of each sample of the last <see cref="Attribute"/> call.</summary>
    public IReadOnlyList<int[]> LastSegments { get; private set; } = [];

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(Lime));
        if (inputs.Rank != 4)
            throw new FoveaException($"Lime: expected images [N, C, H, W], received {inputs.Shape}");
        int n = inputs.Shape[0], c = inputs.Shape[1], h = inputs.Shape[2], w = inputs.Shape[3];
        var result = new float[n * h * w];
        var segments = new List<int[]>();
        var rng = new Rng(Seed);
        for (int i = 0; i < n; i++)
        {
            var sp = Superpixels.For(Inputs.Sample(inputs, i).ToArray(), c, h, w);
            segments.Add(sp.Labels);
            int m = sp.Count;
            var masks = new bool[Samples][];
            for (int s = 0; s < Samples; s++)
            {
                masks[s] = new bool[m];
                for (int j = 0; j < m; j++)
                    masks[s][j] = s == 0 || rng.NextUInt64() >> 63 == 1;
            }
            var scores = _scorer.Perturbed(inputs.Shape.WithoutBatch(), Samples, target, BatchSize,
                (k, p) => sp.Render(masks[k], p));
            var x = masks.Select(z => z.Select(b => b ? 1.0 : 0.0).ToArray()).ToList();
            var weights = masks.Select(z => Kernel(CosineDistanceToOnes(z))).ToList();
            var (beta, _, _) = WeightedRidge.Fit(x, scores.Select(v => (double)v).ToList(), weights, Alpha);
            sp.Paint(beta).CopyTo(result, i * h * w);
        }
        LastSegments = segments;
        return new Attribution(Tensor.Wrap(result, [n, 1, h, w]));
    }

    private double Kernel(double d) => Math.Sqrt(Math.Exp(-d * d / (KernelWidth * KernelWidth)));

    /// <summary>1 − z·1 / (‖z‖ ‖1‖) = 1 − √(k/M) for a mask keeping k of M; 1 for the empty mask.</summary>
    public static double CosineDistanceToOnes(bool[] z)
    {
        int k = z.Count(b => b);
        return k == 0 ? 1.0 : 1.0 - Math.Sqrt((double)k / z.Length);
    }
}
