using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Gradients of the target logit at many points derived from one sample (integration steps, noisy copies), computed
/// <c>batch</c> points at a time: memory is O(batch) whatever the number of points.
/// </summary>
internal static class PointBatches
{
    /// <param name="score">The model's class scores.</param>
    /// <param name="sampleShape">Shape of one sample, without the batch axis.</param>
    /// <param name="count">How many points.</param>
    /// <param name="batch">Points per forward/backward pass.</param>
    /// <param name="target">The class.</param>
    /// <param name="fill">Writes point k into the span.</param>
    /// <param name="consume">Receives point k's gradient and target logit.</param>
    public static void Run(ClassScore score, Shape sampleShape, int count, int batch, int target,
        SpanAction fill, GradientAction consume)
    {
        if (batch <= 0)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"internal batch size must be positive, received {batch}");
        int sample = sampleShape.Length;
        float[]? points = null;
        for (int start = 0; start < count; start += batch)
        {
            int b = Math.Min(batch, count - start);
            if (points is null || points.Length != b * sample)
                points = new float[b * sample];   // reused across full batches
            for (int j = 0; j < b; j++)
                fill(start + j, points.AsSpan(j * sample, sample));
            var g = score.Backward(Tensor.Wrap(points, sampleShape.WithBatch(b)), target);
            for (int j = 0; j < b; j++)
                consume(start + j, g.Input.AsSpan(j * sample, sample), g.Scores[j]);
        }
    }

    public delegate void SpanAction(int k, Span<float> point);

    public delegate void GradientAction(int k, ReadOnlySpan<float> gradient, float score);
}
