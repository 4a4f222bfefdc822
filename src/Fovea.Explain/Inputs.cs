using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>Input checks and batching shared by the methods.</summary>
internal static class Inputs
{
    public static void Check(Tensor inputs, string method)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank < 2 || inputs.Shape[0] == 0)
            throw new FoveaException($"{method}: expected inputs [N, C, H, W] with N > 0, received {inputs.Shape}");
    }

    public static void CheckBaseline(Tensor? baseline, Tensor inputs, string method)
    {
        if (baseline is null)
            return;
        if (baseline.Shape != inputs.Shape && baseline.Shape != inputs.Shape.With(0, 1)
            && baseline.Shape != inputs.Shape.WithoutBatch())
            throw new FoveaException($"{method}: baseline of shape {baseline.Shape} does not match inputs " +
                $"{inputs.Shape}; expected {inputs.Shape}, one sample [1, ...] or [...]");
    }

    /// <summary>The baseline of sample <paramref name="i"/> (zeros when none is given).</summary>
    public static ReadOnlySpan<float> BaselineOf(Tensor? baseline, int i, int sample)
    {
        if (baseline is null)
            return new float[sample];
        var all = baseline.AsReadOnlySpan();
        return all.Length == sample ? all : all.Slice(i * sample, sample);
    }

    /// <summary>Runs <paramref name="body"/> on consecutive chunks of at most <paramref name="batch"/> samples, with
    /// the element offset of each chunk.</summary>
    public static void ForEachBatch(Tensor inputs, int batch, Action<Tensor, int> body)
    {
        if (batch <= 0)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"internal batch size must be positive, received {batch}");
        int n = inputs.Shape[0], sample = inputs.Length / n;
        for (int start = 0; start < n; start += batch)
        {
            int b = Math.Min(batch, n - start);
            var chunk = Tensor.FromArray(inputs.AsReadOnlySpan().Slice(start * sample, b * sample),
                inputs.Shape.With(0, b));
            body(chunk, start * sample);
        }
    }

    /// <summary>Sample <paramref name="i"/> of <paramref name="inputs"/>.</summary>
    public static ReadOnlySpan<float> Sample(Tensor inputs, int i)
    {
        int sample = inputs.Length / inputs.Shape[0];
        return inputs.AsReadOnlySpan().Slice(i * sample, sample);
    }
}
