using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Occlusion (Zeiler and Fergus 2014; Captum's <c>Occlusion</c>): a window of <see cref="Window"/>×<see cref="Window"/>
/// pixels, all channels, slides over the image with <see cref="Stride"/> (the last position flush with the edge), is
/// set to <see cref="Baseline"/>, and every pixel it covers is credited with F(x) − F(x occluded) of the target logit;
/// a pixel's attribution is the mean over the windows that cover it. Occluded copies are scored
/// <see cref="BatchSize"/> at a time. Model-agnostic: any forward function works.
/// </summary>
public sealed class Occlusion : IAttributionMethod
{
    private readonly Scorer _scorer;

    /// <summary>Occlusion of a model's logits (pre-softmax).</summary>
    public Occlusion(Model model) => _scorer = Scorer.Of(model);

    /// <summary>Occlusion of any function [B, C, H, W] → [B, K].</summary>
    public Occlusion(Func<Tensor, Tensor> forward) => _scorer = Scorer.Of(forward);

    /// <summary>Side of the square window in pixels (default 8).</summary>
    public int Window { get; init; } = 8;

    /// <summary>Step between window positions (default 4).</summary>
    public int Stride { get; init; } = 4;

    /// <summary>The value occluded pixels take (default 0).</summary>
    public float Baseline { get; init; }

    /// <summary>Copies per model call (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(Occlusion));
        if (inputs.Rank != 4)
            throw new FoveaException($"Occlusion: expected images [N, C, H, W], received {inputs.Shape}");
        int n = inputs.Shape[0], c = inputs.Shape[1], h = inputs.Shape[2], w = inputs.Shape[3];
        if (Window <= 0 || Stride <= 0)
            throw new FoveaException($"Occlusion: window {Window} and stride {Stride} must be positive");
        var ys = Positions(h);
        var xs = Positions(w);
        var sampleShape = inputs.Shape.WithoutBatch();
        var fx = _scorer.Perturbed(sampleShape, n, target, BatchSize,
            (i, p) => Inputs.Sample(inputs, i).CopyTo(p));
        var result = new float[inputs.Length];
        int plane = h * w;
        for (int i = 0; i < n; i++)
        {
            var x = Inputs.Sample(inputs, i).ToArray();
            var scores = _scorer.Perturbed(sampleShape, ys.Length * xs.Length, target, BatchSize, (k, p) =>
            {
                x.CopyTo(p);
                int y0 = ys[k / xs.Length], x0 = xs[k % xs.Length];
                for (int ch = 0; ch < c; ch++)
                for (int y = y0; y < Math.Min(h, y0 + Window); y++)
                    p.Slice(ch * plane + y * w + x0, Math.Min(w, x0 + Window) - x0).Fill(Baseline);
            });
            var sum = new double[plane];
            var count = new int[plane];
            for (int k = 0; k < scores.Length; k++)
            {
                int y0 = ys[k / xs.Length], x0 = xs[k % xs.Length];
                for (int y = y0; y < Math.Min(h, y0 + Window); y++)
                for (int xx = x0; xx < Math.Min(w, x0 + Window); xx++)
                {
                    sum[y * w + xx] += fx[i] - scores[k];
                    count[y * w + xx]++;
                }
            }
            for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < plane; p++)
                result[(i * c + ch) * plane + p] = count[p] > 0 ? (float)(sum[p] / count[p]) : 0f;
        }
        return new Attribution(Tensor.Wrap(result, inputs.Shape));
    }

    private int[] Positions(int size)
    {
        if (Window >= size)
            return [0];
        var list = new List<int>();
        for (int p = 0; p + Window <= size; p += Stride)
            list.Add(p);
        if (list[^1] + Window < size)
            list.Add(size - Window);
        return [.. list];
    }
}
