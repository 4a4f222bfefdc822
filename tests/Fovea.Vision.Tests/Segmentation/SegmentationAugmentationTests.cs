using Fovea.Data;
using Fovea.Tensors;
using Fovea.Vision.Segmentation;
using Xunit;

namespace Fovea.Vision.Tests.Segmentation;

/// <summary>Properties of <see cref="SegmentationAugmentation"/> and <see cref="SegmentationAugmenter"/>.</summary>
public sealed class SegmentationAugmentationTests
{
    private static (float[] Image, float[] Mask) Sample(int c, int h, int w, int seed)
    {
        var rng = new Random(seed);
        var image = Enumerable.Range(0, c * h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var mask = Enumerable.Range(0, h * w).Select(_ => (float)rng.Next(4) * 2).ToArray(); // classes {0, 2, 4, 6}
        return (image, mask);
    }

    private static readonly SegmentationAugmentation s_geometryOnly = new()
    {
        FlipProbability = 0, MinScale = 1, MaxScale = 1, Brightness = 0, Contrast = 0,
    };

    [Fact]
    public void Apply_FlipOnly_MaskAndImageEqualTheMirroredOriginals()
    {
        const int c = 2, h = 5, w = 6;
        var (image, mask) = Sample(c, h, w, 1);
        var (imageOut, maskOut) = (new float[image.Length], new float[mask.Length]);

        (s_geometryOnly with { FlipProbability = 1 }).Apply(image, mask, imageOut, maskOut, c, h, w, new Random(0));

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                Assert.Equal(mask[y * w + w - 1 - x], maskOut[y * w + x]);
                for (int k = 0; k < c; k++)
                    Assert.Equal(image[(k * h + y) * w + w - 1 - x], imageOut[(k * h + y) * w + x], 6);
            }
        }
    }

    [Fact]
    public void Apply_Rotate90_MaskIsAQuarterTurnOfTheOriginalAndFourAreTheIdentity()
    {
        // On a square, every quarter turn maps pixels to pixels: the mask's multiset of values is unchanged and the
        // result is one of the four exact rotations of the original.
        const int n = 7;
        var (image, mask) = Sample(1, n, n, 2);
        var rotations = new List<float[]> { mask };
        for (int r = 1; r < 4; r++)
        {
            var prev = rotations[^1];
            rotations.Add(Enumerable.Range(0, n * n).Select(i => prev[(n - 1 - i % n) * n + i / n]).ToArray());
        }
        Assert.Equal(mask, Enumerable.Range(0, n * n).Select(i => rotations[3][(n - 1 - i % n) * n + i / n]));
        var seen = new HashSet<int>();
        for (int seed = 0; seed < 24; seed++)
        {
            var (imageOut, maskOut) = (new float[image.Length], new float[mask.Length]);
            (s_geometryOnly with { Rotate90 = true }).Apply(image, mask, imageOut, maskOut, 1, n, n,
                new Random(seed));
            int match = rotations.FindIndex(r => r.SequenceEqual(maskOut));
            Assert.True(match >= 0, $"seed {seed}: not a quarter turn of the mask");
            seen.Add(match);
        }
        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public void Apply_EveryTransform_MaskValuesStayInTheClassSetPlusFill()
    {
        const int c = 3, h = 16, w = 12;
        var (image, mask) = Sample(c, h, w, 3);
        var classes = mask.ToHashSet();
        var augmentation = new SegmentationAugmentation
        {
            Rotate90 = true, MaxAngle = 15, MinScale = 0.5, MaxScale = 2, MaskFill = 255,
        };
        for (int seed = 0; seed < 40; seed++)
        {
            var (imageOut, maskOut) = (new float[image.Length], new float[mask.Length]);
            augmentation.Apply(image, mask, imageOut, maskOut, c, h, w, new Random(seed));
            Assert.All(maskOut, v => Assert.True(classes.Contains(v) || v == 255, $"seed {seed}: mask value {v}"));
            Assert.All(imageOut, v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Fact]
    public void Apply_ColourJitterOnly_LeavesTheMaskUntouched()
    {
        const int c = 3, h = 4, w = 4;
        var (image, mask) = Sample(c, h, w, 4);
        var (imageOut, maskOut) = (new float[image.Length], new float[mask.Length]);

        (s_geometryOnly with { Brightness = 0.3, Contrast = 0.3 }).Apply(image, mask, imageOut, maskOut, c, h, w,
            new Random(5));

        Assert.Equal(mask, maskOut);
        Assert.NotEqual(image, imageOut);
    }

    [Fact]
    public void Augmenter_SameSeedAndEpoch_SameSamplesWhateverTheOrderOfEpochs()
    {
        const int n = 3, c = 1, h = 8, w = 8;
        var (image, _) = Sample(n * c, h, w, 6);
        var (_, mask) = Sample(n, h, w, 7);
        mask = Enumerable.Range(0, n).SelectMany(_ => mask.Take(h * w)).ToArray();
        Dataset Fresh() => new(Tensor.FromArray(image, [n, c, h, w]), Tensor.FromArray(mask, [n, h, w]));
        var augmentation = new SegmentationAugmentation { Rotate90 = true, MaxAngle = 10 };
        var a = new SegmentationAugmenter(Fresh(), augmentation, seed: 9);
        var b = new SegmentationAugmenter(Fresh(), augmentation, seed: 9);

        a.Redraw(0);
        a.Redraw(2);
        b.Redraw(2); // a fresh run that starts (resumes) at epoch 2

        Assert.Equal(a.Dataset.Features.AsReadOnlySpan().ToArray(), b.Dataset.Features.AsReadOnlySpan().ToArray());
        Assert.Equal(a.Dataset.Labels.AsReadOnlySpan().ToArray(), b.Dataset.Labels.AsReadOnlySpan().ToArray());
        a.Redraw(1);
        Assert.NotEqual(a.Dataset.Labels.AsReadOnlySpan().ToArray(), b.Dataset.Labels.AsReadOnlySpan().ToArray());
    }
}
