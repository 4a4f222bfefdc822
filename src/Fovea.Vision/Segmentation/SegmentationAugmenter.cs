using Fovea.Data;
using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Detection;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// A <c>Fit</c> callback that redraws the augmented training set at the start of every epoch: sample i of epoch e is
/// <see cref="Augmentation"/> applied to the untouched original with a generator seeded from (seed, e, i), written
/// into the training dataset's own tensors (<see cref="Dataset"/>). The augmentation therefore depends only on the
/// seed and the epoch, so a run resumed from a checkpoint sees the same images as an uninterrupted one.
/// </summary>
/// <remarks>Use it with a loader that prepares batches in <c>MoveNext</c> (<c>prefetch: 0</c>, as
/// <c>Fit(Dataset)</c> does): batches are read after <c>OnEpochBegin</c>.</remarks>
public sealed class SegmentationAugmenter : Callback
{
    private readonly float[] _images, _masks;
    private readonly int _channels, _height, _width;

    /// <summary>Augments <paramref name="train"/> in place each epoch (its images [N, C, H, W] and class maps
    /// [N, H, W]); keeps a copy of the originals.</summary>
    /// <exception cref="FoveaException">The dataset is not images [N, C, H, W] with class maps [N, H, W].</exception>
    public SegmentationAugmenter(Dataset train, SegmentationAugmentation augmentation, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(augmentation);
        var (x, y) = (train.Features, train.Labels);
        if (x.Rank != 4 || y.Rank != 3 || y.Shape[1] != x.Shape[2] || y.Shape[2] != x.Shape[3])
            throw new FoveaException($"SegmentationAugmenter: expected images [N, C, H, W] and masks [N, H, W], " +
                $"received {x.Shape} and {y.Shape}");
        Dataset = train;
        Augmentation = augmentation;
        Seed = seed;
        (_channels, _height, _width) = (x.Shape[1], x.Shape[2], x.Shape[3]);
        _images = x.AsReadOnlySpan().ToArray();
        _masks = y.AsReadOnlySpan().ToArray();
    }

    /// <summary>The training dataset whose tensors are rewritten each epoch.</summary>
    public Dataset Dataset { get; }

    /// <summary>The augmentation applied to every sample.</summary>
    public SegmentationAugmentation Augmentation { get; }

    /// <summary>The seed the per-sample generators derive from.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch) => Redraw(epoch);

    /// <summary>Writes epoch <paramref name="epoch"/>'s augmented samples into <see cref="Dataset"/>.</summary>
    public void Redraw(int epoch)
    {
        int imageLength = _channels * _height * _width, plane = _height * _width;
        var x = Dataset.Features.AsSpan();
        var y = Dataset.Labels.AsSpan();
        for (int i = 0; i < Dataset.Count; i++)
        {
            var rng = new Random(Seeds.Mix(Seed, epoch, i));
            Augmentation.Apply(_images.AsSpan(i * imageLength, imageLength), _masks.AsSpan(i * plane, plane),
                x.Slice(i * imageLength, imageLength), y.Slice(i * plane, plane), _channels, _height, _width, rng);
        }
    }
}
