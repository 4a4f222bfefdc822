using Fovea.Tensors;
using Fovea.Vision.Detection;
using Xunit;

namespace Fovea.Vision.Tests.Detection;

/// <summary>Box-aware augmentations, checked on properties: boxes follow the pixels they enclose.</summary>
public sealed class BoxAugmentationsTests
{
    // A 1-channel W×H image, 0 except rectangle [x1, x2) × [y1, y2) = 1, with that rectangle as its one box.
    private static DetectionSample Rectangle(int w, int h, int x1, int y1, int x2, int y2, int label = 3)
    {
        var data = new float[h * w];
        for (int y = y1; y < y2; y++)
        {
            for (int x = x1; x < x2; x++)
                data[y * w + x] = 1;
        }
        return DetectionSample.Create(Tensor.FromArray(data, [1, h, w]), [(x1, y1, x2, y2)], [label]);
    }

    [Fact]
    public void HorizontalFlip_Box_MirroredAndTightOnFlippedPixels()
    {
        var s = Rectangle(40, 30, 5, 7, 15, 20);
        var f = BoxAugmentations.HorizontalFlip(s);
        Assert.Equal((25f, 7f, 35f, 20f), f.Box(0)); // (W − x2, y1, W − x1, y2)
        var img = f.Image.ToArray();
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 40; x++)
                Assert.Equal(x >= 25 && x < 35 && y >= 7 && y < 20 ? 1f : 0f, img[y * 40 + x]);
        }
        Assert.Equal(s.Image.ToArray(), BoxAugmentations.HorizontalFlip(f).Image.ToArray()); // an involution
    }

    [Fact]
    public void RandomScaleCrop_ManySeeds_BoxesInsideImageLargeEnoughAndCoverTheObject()
    {
        var s = Rectangle(64, 48, 20, 10, 44, 30);
        int kept = 0;
        for (int seed = 0; seed < 30; seed++)
        {
            var r = BoxAugmentations.RandomScaleCrop(s, new Random(seed), 40, 32, 0.5, 2.0, minBoxSize: 3);
            Assert.Equal(new[] { 1, 32, 40 }, r.Image.Shape.ToArray());
            var img = r.Image.ToArray();
            for (int i = 0; i < r.Count; i++)
            {
                var (x1, y1, x2, y2) = r.Box(i);
                Assert.True(x1 >= 0 && y1 >= 0 && x2 <= 40 && y2 <= 32,
                    $"seed {seed}: box {r.Box(i)} leaves the image");
                Assert.True(x2 - x1 >= 3 && y2 - y1 >= 3, $"seed {seed}: box {r.Box(i)} below minBoxSize");
            }
            // Every clearly lit pixel lies in the box (bilinear edges spread at most one pixel); when the box was
            // dropped, what is left of the object is thinner than minBoxSize (+ that spread on each side).
            var lit = Enumerable.Range(0, 32 * 40).Where(p => img[p] > 0.5f)
                .Select(p => (X: p % 40, Y: p / 40)).ToList();
            if (r.Count == 0)
            {
                if (lit.Count > 0)
                {
                    int litW = lit.Max(p => p.X) - lit.Min(p => p.X) + 1;
                    int litH = lit.Max(p => p.Y) - lit.Min(p => p.Y) + 1;
                    Assert.True(Math.Min(litW, litH) < 3 + 2, $"seed {seed}: a {litW}x{litH} object lost its box");
                }
                continue;
            }
            kept++;
            var (bx1, by1, bx2, by2) = r.Box(0);
            foreach (var (x, y) in lit)
            {
                Assert.True(x + 0.5 >= bx1 - 1 && x + 0.5 <= bx2 + 1 && y + 0.5 >= by1 - 1 && y + 0.5 <= by2 + 1,
                    $"seed {seed}: lit pixel ({x}, {y}) outside box {r.Box(0)}");
            }
        }
        Assert.True(kept >= 15, $"only {kept} of 30 crops kept the object"); // the property was really exercised
    }

    [Fact]
    public void RandomScaleCrop_SameSeed_SameResult()
    {
        var s = Rectangle(64, 48, 20, 10, 44, 30);
        var a = BoxAugmentations.RandomScaleCrop(s, new Random(7), 40, 32);
        var b = BoxAugmentations.RandomScaleCrop(s, new Random(7), 40, 32);
        Assert.Equal(a.Image.ToArray(), b.Image.ToArray());
        Assert.Equal(a.Boxes.ToArray(), b.Boxes.ToArray());
    }

    [Fact]
    public void Mosaic_FourImages_EachBoxAndItsPixelsInItsQuadrant()
    {
        // Sample q: a constant image of value q + 1 with one box covering all of it, label q.
        var samples = Enumerable.Range(0, 4).Select(q => DetectionSample.Create(
            Tensor.FromArray(Enumerable.Repeat(q + 1f, 3 * 20 * (16 + 4 * q)).ToArray(), [3, 20, 16 + 4 * q]),
            [(0, 0, 16 + 4 * q, 20)], [q])).ToArray();
        for (int seed = 0; seed < 10; seed++)
        {
            var m = BoxAugmentations.Mosaic(samples, new Random(seed), 64, 48);
            Assert.Equal([0, 1, 2, 3], m.Labels);
            var b = Enumerable.Range(0, 4).Select(m.Box).ToArray();
            // Quadrants: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; together they tile the canvas.
            Assert.Equal((0f, 0f), (b[0].X1, b[0].Y1));
            Assert.Equal((b[0].X2, 0f, 64f, b[0].Y2), b[1]);
            Assert.Equal((0f, b[0].Y2, b[0].X2, 48f), b[2]);
            Assert.Equal((b[0].X2, b[0].Y2, 64f, 48f), b[3]);
            var img = m.Image.ToArray();
            for (int q = 0; q < 4; q++)
            {
                for (int y = (int)b[q].Y1; y < (int)b[q].Y2; y++)
                {
                    for (int x = (int)b[q].X1; x < (int)b[q].X2; x++)
                        Assert.Equal(q + 1f, img[(2 * 48 + y) * 64 + x], 5);
                }
            }
        }
    }

    [Fact]
    public void ColorJitter_BoxesUnchangedValuesInRangeAndZeroAmountIsIdentity()
    {
        var rng = new Random(3);
        var data = Enumerable.Range(0, 3 * 8 * 8).Select(_ => (float)rng.NextDouble()).ToArray();
        var s = DetectionSample.Create(Tensor.FromArray(data, [3, 8, 8]), [(1, 2, 5, 6)], [1]);
        var j = BoxAugmentations.ColorJitter(s, new Random(1), 0.4f, 0.4f, 0.4f);
        Assert.Equal(s.Boxes.ToArray(), j.Boxes.ToArray());
        Assert.All(j.Image.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.NotEqual(data, j.Image.ToArray());
        var same = BoxAugmentations.ColorJitter(s, new Random(1), 0, 0, 0);
        Assert.Equal(data, same.Image.ToArray());
    }
}
