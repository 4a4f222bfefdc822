using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// Per-channel standardisation of images already scaled to [0, 1]: effectively computes
/// <c>x[n, c, h, w] = (x[n, c, h, w] - Mean[c]) / Std[c]</c>, as torchvision's <c>Normalize</c>.
/// </summary>
/// <example><code>
/// var (train, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);   // mean 0.2860, std 0.3530
/// var stats = Normalization.Compute(train.Features);                                   // or measure your own
/// </code></example>
public sealed class Normalization
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>A normalisation with one mean and one standard deviation per channel.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, are empty, or a std is not positive.</exception>
    public Normalization(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
        {
            throw new ArgumentException(
                $"a normalization needs one mean and one std per channel, received {mean.Count} means "
                + $"and {std.Count} stds");
        }
        for (int c = 0; c < std.Count; c++)
        {
            if (!(std[c] > 0) || !float.IsFinite(std[c]) || !float.IsFinite(mean[c]))
                throw new ArgumentException($"channel {c}: expected a finite mean and std > 0, received "
                    + $"mean {mean[c]}, std {std[c]}");
        }
        _mean = [.. mean];
        _std = [.. std];
    }

    /// <summary>Per-channel means (subtracted).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviations (divided by).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Number of channels this normalisation applies to.</summary>
    public int Channels => _mean.Length;

    /// <summary>
    /// Measures the per-channel mean and (population) standard deviation of <paramref name="images"/>, shaped
    /// [N, C, H, W]; compute it on the training set and apply it to both training and test data.
    /// </summary>
    public static Normalization Compute(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4)
            throw new ArgumentException($"expected images [N, C, H, W], received {images.Shape}");
        int n = images.Shape[0], channels = images.Shape[1], plane = images.Shape[2] * images.Shape[3];
        if (n * plane == 0)
            throw new ArgumentException($"cannot measure the statistics of an empty image tensor {images.Shape}");
        var x = images.AsReadOnlySpan();
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, sumSq = 0;
            for (int i = 0; i < n; i++)
            {
                foreach (float v in x.Slice((i * channels + c) * plane, plane))
                {
                    sum += v;
                    sumSq += (double)v * v;
                }
            }
            double count = (double)n * plane;
            double m = sum / count;
            mean[c] = (float)m;
            std[c] = (float)Math.Sqrt(Math.Max(sumSq / count - m * m, 1e-12));
        }
        return new Normalization(mean, std);
    }

    /// <summary>Normalises <paramref name="images"/> ([N, C, H, W], C = <see cref="Channels"/>) in place.</summary>
    public void Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.Shape[1] != Channels)
            throw new ArgumentException($"expected images [N, {Channels}, H, W], received {images.Shape}");
        int n = images.Shape[0], plane = images.Shape[2] * images.Shape[3];
        var x = images.AsSpan();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < Channels; c++)
            {
                float mean = _mean[c], std = _std[c];
                foreach (ref float v in x.Slice((i * Channels + c) * plane, plane))
                    v = (v - mean) / std;
            }
        }
    }

    /// <summary>
    /// For each channel, the value each byte 0..255 becomes: <c>(b / 255 - Mean[c]) / Std[c]</c>, or
    /// <c>b / 255</c> when <paramref name="normalization"/> is null. Laid out [channel, 256].
    /// </summary>
    internal static float[] ByteTable(Normalization? normalization, int channels)
    {
        if (normalization is not null && normalization.Channels != channels)
        {
            throw new ArgumentException(
                $"the normalization has {normalization.Channels} channels, the images have {channels}");
        }
        float[] table = new float[channels * 256];
        for (int c = 0; c < channels; c++)
        {
            for (int b = 0; b < 256; b++)
            {
                float v = b / 255f;
                table[c * 256 + b] = normalization is null ? v : (v - normalization._mean[c]) / normalization._std[c];
            }
        }
        return table;
    }

    public override string ToString() =>
        $"Normalization(mean [{string.Join(", ", _mean)}], std [{string.Join(", ", _std)}])";
}
