using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// The model-agnostic view the perturbation methods take: inputs [B, ...] → the target class's logit per sample,
/// called on batches of perturbed copies that are built <c>batch</c> at a time (memory O(batch)).
/// </summary>
internal sealed class Scorer
{
    private readonly Func<Tensor, int, int, float[]> _scores;

    private Scorer(Func<Tensor, int, int, float[]> scores) => _scores = scores;

    public static Scorer Of(Model model)
    {
        var score = new ClassScore(model);
        return new Scorer(score.Scores);
    }

    /// <summary>A forward function [B, ...] → scores [B, K] (logits, or whatever is to be explained).</summary>
    public static Scorer Of(Func<Tensor, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return new Scorer((x, target, batch) =>
        {
            int n = x.Shape[0], sample = x.Length / n;
            var result = new float[n];
            for (int start = 0; start < n; start += batch)
            {
                int b = Math.Min(batch, n - start);
                var y = forward(Tensor.FromArray(x.AsReadOnlySpan().Slice(start * sample, b * sample),
                    x.Shape.With(0, b)));
                if (y.Rank != 2 || y.Shape[0] != b || target < 0 || target >= y.Shape[1])
                    throw new FoveaException($"forward returned {y.Shape} for {b} samples; expected [{b}, K] with " +
                        $"K > {target} (the target class)");
                var s = y.AsReadOnlySpan();
                for (int i = 0; i < b; i++)
                    result[start + i] = s[i * y.Shape[1] + target];
            }
            return result;
        });
    }

    /// <summary>Scores of <paramref name="count"/> perturbed copies of one sample of shape
    /// <paramref name="sampleShape"/>, each written by <paramref name="fill"/>.</summary>
    public float[] Perturbed(Shape sampleShape, int count, int target, int batch, PointBatches.SpanAction fill)
    {
        if (batch <= 0)
            throw new ArgumentOutOfRangeException(nameof(batch), $"batch size must be positive, received {batch}");
        int sample = sampleShape.Length;
        var result = new float[count];
        float[]? points = null;
        for (int start = 0; start < count; start += batch)
        {
            int b = Math.Min(batch, count - start);
            if (points is null || points.Length != b * sample)
                points = new float[b * sample];   // reused across full batches
            for (int j = 0; j < b; j++)
                fill(start + j, points.AsSpan(j * sample, sample));
            _scores(Tensor.Wrap(points, sampleShape.WithBatch(b)), target, b).CopyTo(result, start);
        }
        return result;
    }
}
