using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// KernelSHAP for images (Lundberg and Lee 2017): superpixels are the players, a coalition keeps its superpixels and
/// hides the others (<see cref="SuperpixelOptions"/>), and the Shapley values of the target logit come from
/// <see cref="Shapley.KernelShap"/>, or exactly from <see cref="Shapley.Exact"/> when there are at most
/// <see cref="ExactUpTo"/> superpixels. Efficiency holds by construction: each sample's attributions sum to
/// F(x) − F(all hidden); the result paints every pixel with its superpixel's value, [N, 1, H, W], and
/// <see cref="Attribution.ConvergenceDelta"/> reports Σ φ − (F(x) − F(all hidden)) (0 up to rounding). Seeded;
/// coalitions are scored <see cref="BatchSize"/> at a time.
/// </summary>
public sealed class KernelShap : IAttributionMethod
{
    private readonly Scorer _scorer;

    /// <summary>KernelSHAP of a model's logits (pre-softmax).</summary>
    public KernelShap(Model model) => _scorer = Scorer.Of(model);

    /// <summary>KernelSHAP of any function [B, C, H, W] → [B, K].</summary>
    public KernelShap(Func<Tensor, Tensor> forward) => _scorer = Scorer.Of(forward);

    /// <summary>Sampled coalitions per image when not exact (default 1000).</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Up to this many superpixels, Shapley values are computed exactly by enumeration (default 12).</summary>
    public int ExactUpTo { get; init; } = 12;

    /// <summary>The superpixels (default: about 50 SLIC superpixels, hidden ones set to 0).</summary>
    public SuperpixelOptions Superpixels { get; init; } = new() { HideValue = 0f };

    /// <summary>Seed of the sampled coalitions (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Coalitions per model call (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The superpixel labels [H·W] of each sample of the last <see cref="Attribute"/> call.</summary>
    public IReadOnlyList<int[]> LastSegments { get; private set; } = [];

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(KernelShap));
        if (inputs.Rank != 4)
            throw new FoveaException($"KernelShap: expected images [N, C, H, W], received {inputs.Shape}");
        int n = inputs.Shape[0], c = inputs.Shape[1], h = inputs.Shape[2], w = inputs.Shape[3];
        var result = new float[n * h * w];
        var delta = new float[n];
        var segments = new List<int[]>();
        for (int i = 0; i < n; i++)
        {
            var sp = Superpixels.For(Inputs.Sample(inputs, i).ToArray(), c, h, w);
            segments.Add(sp.Labels);
            double[] Value(IReadOnlyList<bool[]> coalitions) => _scorer.Perturbed(inputs.Shape.WithoutBatch(),
                coalitions.Count, target, BatchSize, (k, p) => sp.Render(coalitions[k], p)).Select(v => (double)v)
                .ToArray();
            var phi = sp.Count <= ExactUpTo ? Shapley.Exact(sp.Count, Value)
                : Shapley.KernelShap(sp.Count, Value, Samples, Seed + i);
            var ends = Value([new bool[sp.Count], Enumerable.Repeat(true, sp.Count).ToArray()]);
            delta[i] = (float)(phi.Sum() - (ends[1] - ends[0]));
            sp.Paint(phi).CopyTo(result, i * h * w);
        }
        LastSegments = segments;
        return new Attribution(Tensor.Wrap(result, [n, 1, h, w]), delta);
    }
}
