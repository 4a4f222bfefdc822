using Fovea.Vision.Datasets;
using Fovea.Vision.Formats;
using Xunit;

namespace Fovea.Vision.Tests.Datasets;

/// <summary>The generated detection dataset: deterministic files, boxes tight around each object's visible pixels,
/// masks consistent with boxes and labels.</summary>
public sealed class FashionDetectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-fdet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generate_SameSeed_ByteIdenticalFiles_OtherSeedDiffers()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b"), c = Path.Combine(_dir, "c");
        FashionDetection.Generate(a, 2, 1, seed: 11);
        FashionDetection.Generate(b, 2, 1, seed: 11);
        FashionDetection.Generate(c, 2, 1, seed: 12);
        string[] files = Files(a);
        Assert.Equal(2 * 2 + 1 * 2 + 2, files.Length); // images + masks + two annotation files
        Assert.Equal(files, Files(b));
        foreach (string f in files)
        {
            byte[] first = File.ReadAllBytes(Path.Combine(a, f));
            Assert.True(first.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), f);
        }
        Assert.False(File.ReadAllBytes(Path.Combine(a, "train", "images", "000000.png")).AsSpan()
            .SequenceEqual(File.ReadAllBytes(Path.Combine(c, "train", "images", "000000.png"))));
    }

    [Theory]
    [InlineData(FashionDetectionSplit.Train, 0)]
    [InlineData(FashionDetectionSplit.Train, 1)]
    [InlineData(FashionDetectionSplit.Validation, 0)]
    public void Render_BoxesTightAroundVisiblePixels_MasksAgree(FashionDetectionSplit split, int index)
    {
        var img = FashionDetection.Render(split, seed: 3, index);
        int w = img.Width, h = img.Height;
        Assert.Equal((320, 320), (w, h));
        Assert.InRange(img.Objects.Count, 1, 10);
        for (int k = 0; k < img.Objects.Count; k++)
        {
            var o = img.Objects[k];
            // The box is exactly the bounding box of the pixels whose instance is k, and area counts them.
            int minX = w, minY = h, maxX = -1, maxY = -1, n = 0;
            for (int p = 0; p < w * h; p++)
            {
                if (img.InstanceMask[p] != k + 1)
                    continue;
                n++;
                (minX, maxX) = (Math.Min(minX, p % w), Math.Max(maxX, p % w));
                (minY, maxY) = (Math.Min(minY, p / w), Math.Max(maxY, p / w));
            }
            Assert.Equal(new CocoBox(minX, minY, maxX + 1 - minX, maxY + 1 - minY), o.Box);
            Assert.Equal(n, o.Area);
            Assert.True(o.Area < o.Box.Area || o.Box.Width * o.Box.Height == o.Area);
            Assert.InRange(Math.Max(o.Box.Width, o.Box.Height), 1, 120);
            Assert.InRange(o.ClassIndex, 0, 9);
        }
        for (int p = 0; p < w * h; p++)
        {
            int id = img.InstanceMask[p];
            Assert.Equal(id == 0 ? 0 : img.Objects[id - 1].ClassIndex + 1, img.ClassMask[p]);
        }
        Assert.All(img.Pixels, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Generate_WrittenMaskAndJson_EveryObjectPixelInABoxOfItsClass()
    {
        FashionDetection.Generate(_dir, 2, 0, seed: 5);
        string split = Path.Combine(_dir, "train");
        var coco = CocoJson.ReadDataset(Path.Combine(split, FashionDetection.AnnotationsFile));
        Assert.Equal(10, coco.Categories.Count);
        Assert.Equal("T-shirt/top", coco.Categories[0].Name);
        foreach (var image in coco.Images)
        {
            string maskFile = Path.Combine(split, image.FileName.Replace("images/", "masks/"));
            var (mask, h, w) = FashionDetection.ReadMask(maskFile);
            Assert.Equal((image.Height, image.Width), (h, w));
            var rendered = FashionDetection.Render(FashionDetectionSplit.Train, 5, (int)image.Id - 1);
            Assert.Equal([.. rendered.ClassMask], mask);
            var boxes = coco.Annotations.Where(a => a.ImageId == image.Id).ToList();
            for (int p = 0; p < w * h; p++)
            {
                if (mask[p] == 0)
                    continue;
                int x = p % w, y = p / w;
                Assert.Contains(boxes, a => a.CategoryId == mask[p] && x >= a.Box.X && x < a.Box.X + a.Box.Width
                    && y >= a.Box.Y && y < a.Box.Y + a.Box.Height);
            }
            // Each box's four edges touch a pixel of its class (tight), as seen in the written mask.
            foreach (var a in boxes)
            {
                var (x1, y1, x2, y2) = ((int)a.Box.X, (int)a.Box.Y, (int)(a.Box.X + a.Box.Width) - 1,
                    (int)(a.Box.Y + a.Box.Height) - 1);
                Assert.Contains(Enumerable.Range(y1, y2 - y1 + 1), y => mask[y * w + x1] == a.CategoryId);
                Assert.Contains(Enumerable.Range(y1, y2 - y1 + 1), y => mask[y * w + x2] == a.CategoryId);
                Assert.Contains(Enumerable.Range(x1, x2 - x1 + 1), x => mask[y1 * w + x] == a.CategoryId);
                Assert.Contains(Enumerable.Range(x1, x2 - x1 + 1), x => mask[y2 * w + x] == a.CategoryId);
            }
        }
        var samples = FashionDetection.Load(split);
        Assert.Equal(2, samples.Count);
        Assert.Equal(coco.Annotations.Count(a => a.ImageId == 1), samples[0].Count);
        Assert.Equal(new[] { 3, 320, 320 }, samples[0].Image.Shape.ToArray());
    }

    private static string[] Files(string root) =>
    [
        .. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void Render_InvalidOptions_Throws()
    {
        var e = Assert.Throws<FoveaException>(() => FashionDetection.Render(FashionDetectionSplit.Train, 0, 0,
            new FashionDetectionOptions { MinObjectSize = 50, MaxObjectSize = 20 }));
        Assert.Contains("object size", e.Message);
    }
}
