using Fovea.Tensors;

namespace Fovea.Vision.Detection;

/// <summary>Batches detection samples whose numbers of boxes differ: images are stacked, boxes and labels stay one
/// list entry per image (torchvision's collate for detection).</summary>
/// <remarks>Each epoch (each enumeration) visits every sample once; with <c>shuffle</c> the order is a seeded
/// permutation that changes from epoch to epoch and repeats for the same seed. An optional transform (e.g. a
/// <see cref="BoxAugmentations"/>) is applied per sample with a generator seeded from (seed, epoch, index), so
/// augmented batches are reproducible.</remarks>
public sealed class DetectionLoader
{
    private readonly Func<int, DetectionSample> _get;
    private readonly int _count;
    private readonly Func<DetectionSample, Random, DetectionSample>? _transform;
    private int _epoch;

    /// <summary>Creates a loader over <paramref name="count"/> samples fetched by index.</summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="get">Returns sample i (called once per visit, so samples can be read from disk lazily).</param>
    /// <param name="batchSize">Samples per batch (the last batch may be smaller).</param>
    /// <param name="shuffle">Visit samples in a seeded random order.</param>
    /// <param name="seed">Seed of the order and of the transform.</param>
    /// <param name="transform">Optional per-sample transform, given a seeded generator.</param>
    public DetectionLoader(int count, Func<int, DetectionSample> get, int batchSize, bool shuffle = false, int seed = 0,
        Func<DetectionSample, Random, DetectionSample>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(get);
        if (count < 0)
            throw new FoveaException($"DetectionLoader: count {count}; expected ≥ 0");
        if (batchSize <= 0)
            throw new FoveaException($"DetectionLoader: batchSize {batchSize}; expected ≥ 1");
        (_count, _get, BatchSize, Shuffle, Seed, _transform) = (count, get, batchSize, shuffle, seed, transform);
    }

    /// <summary>Creates a loader over samples held in memory.</summary>
    public DetectionLoader(IReadOnlyList<DetectionSample> samples, int batchSize, bool shuffle = false, int seed = 0,
        Func<DetectionSample, Random, DetectionSample>? transform = null)
        : this(samples?.Count ?? 0, i => samples![i], batchSize, shuffle, seed, transform)
    {
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether the order is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the order and the transform.</summary>
    public int Seed { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => (_count + BatchSize - 1) / BatchSize;

    /// <summary>One epoch of batches; each call starts the next epoch.</summary>
    /// <exception cref="FoveaException">The images of a batch differ in shape.</exception>
    public IEnumerable<DetectionBatch> Epoch()
    {
        int epoch = _epoch++;
        int[] order = [.. Enumerable.Range(0, _count)];
        if (Shuffle)
            new Random(Seeds.Mix(Seed, epoch)).Shuffle(order);
        for (int start = 0; start < _count; start += BatchSize)
        {
            var samples = new List<DetectionSample>();
            for (int i = start; i < Math.Min(start + BatchSize, _count); i++)
            {
                var s = _get(order[i]);
                if (_transform is not null)
                    s = _transform(s, new Random(Seeds.Mix(Seed, epoch, order[i])));
                samples.Add(s);
            }
            yield return Collate(samples);
        }
    }

    /// <summary>Stacks the images and keeps boxes and labels per image.</summary>
    /// <exception cref="FoveaException">The images differ in shape.</exception>
    public static DetectionBatch Collate(IReadOnlyList<DetectionSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
            throw new FoveaException("DetectionLoader.Collate: no samples; expected at least one");
        var shape = samples[0].Image.Shape;
        int size = shape[0] * shape[1] * shape[2];
        var data = new float[samples.Count * size];
        for (int i = 0; i < samples.Count; i++)
        {
            if (samples[i].Image.Shape != shape)
                throw new FoveaException($"DetectionLoader: image {i} of the batch has shape " +
                    $"{samples[i].Image.Shape}, image 0 has {shape}; a batch stacks images of one size (resize them " +
                    "first)");
            samples[i].Image.AsReadOnlySpan().CopyTo(data.AsSpan(i * size, size));
        }
        return new DetectionBatch(Tensor.FromArray(data, [samples.Count, shape[0], shape[1], shape[2]]),
            [.. samples.Select(s => s.Boxes)], [.. samples.Select(s => s.Labels)]);
    }
}
