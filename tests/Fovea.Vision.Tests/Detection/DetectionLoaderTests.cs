using Fovea.Tensors;
using Fovea.Vision.Detection;
using Xunit;

namespace Fovea.Vision.Tests.Detection;

/// <summary>The detection loader: variable numbers of boxes per image, every sample once per epoch, seeded order.
/// </summary>
public sealed class DetectionLoaderTests
{
    // Sample i: a 1×2×2 image filled with i and i boxes (i mod 4), box j = (i, j, i + 1, j + 1), label = 10·i + j.
    private static DetectionSample Sample(int i)
    {
        int n = i % 4;
        var boxes = Enumerable.Range(0, n).Select(j => ((float)i, (float)j, (float)i + 1, (float)j + 1)).ToArray();
        return DetectionSample.Create(Tensor.FromArray([i, i, i, i], [1, 2, 2]), boxes,
            [.. Enumerable.Range(0, n).Select(j => 10 * i + j)]);
    }

    [Fact]
    public void Epoch_VariableBoxCounts_ListPerImage()
    {
        var loader = new DetectionLoader(7, Sample, batchSize: 3);
        var batches = loader.Epoch().ToList();
        Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
        Assert.Equal(new[] { 3, 1, 2, 2 }, batches[0].Images.Shape.ToArray());
        Assert.Equal([0, 1, 2], batches[0].Boxes.Select(b => b.Shape[0]));
        Assert.Equal(new[] { 0, 4 }, batches[0].Boxes[0].Shape.ToArray());
        Assert.Equal([20, 21], batches[0].Labels[2]);
        Assert.Equal([2f, 1f, 3f, 2f], batches[0].Boxes[2].ToArray()[4..]);
        Assert.Equal(6f, batches[2].Images.ToArray()[0]);
    }

    [Fact]
    public void Epoch_Shuffled_EverySampleOnceAndSeeded()
    {
        static int[] Order(DetectionLoader l) =>
            [.. l.Epoch().SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (int)b.Images.ToArray()[i * 4]))];
        var a = new DetectionLoader(10, Sample, 4, shuffle: true, seed: 5);
        var b = new DetectionLoader(10, Sample, 4, shuffle: true, seed: 5);
        int[] first = Order(a);
        Assert.Equal(Enumerable.Range(0, 10), first.Order());
        Assert.Equal(first, Order(b));
        Assert.NotEqual(first, Order(a)); // the next epoch is another permutation
    }

    [Fact]
    public void Epoch_SeededTransform_ReproducibleAndApplied()
    {
        // Flip with probability 1/2 per sample: box x1 of sample i becomes either i or W − (i + 1) = 1 − i.
        static float[][] Run(int seed) =>
        [
            .. new DetectionLoader(12, Sample, 5, shuffle: false, seed: seed,
                transform: (s, rng) => BoxAugmentations.RandomHorizontalFlip(s, rng))
                .Epoch().SelectMany(b => b.Boxes).Select(t => t.ToArray()),
        ];
        var a = Run(9);
        Assert.Equal(a, Run(9));
        int flipped = 0;
        for (int i = 0; i < 12; i++)
        {
            if (a[i].Length == 0)
                continue;
            Assert.Contains(a[i][0], new[] { (float)i, 2f - (i + 1) });
            flipped += a[i][0] == i ? 0 : 1;
        }
        Assert.InRange(flipped, 1, 8); // 9 samples have boxes; with p = 1/2 neither none nor all flipped here
    }

    [Fact]
    public void Collate_DifferentImageSizes_ErrorNamesShapes()
    {
        var small = DetectionSample.Create(Tensor.Zeros([3, 4, 4]), [], []);
        var large = DetectionSample.Create(Tensor.Zeros([3, 8, 8]), [], []);
        var e = Assert.Throws<FoveaException>(() => DetectionLoader.Collate([small, large]));
        Assert.Contains("[3, 8, 8]", e.Message);
    }

    [Fact]
    public void DetectionSample_LabelCountMismatch_Throws()
    {
        var e = Assert.Throws<FoveaException>(() =>
            new DetectionSample(Tensor.Zeros([3, 4, 4]), Tensor.Zeros([2, 4]), [1]));
        Assert.Contains("2 boxes but 1 labels", e.Message);
    }
}
