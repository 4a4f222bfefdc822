using Fovea.Data;
using Fovea.Tensors;
using SkiaSharp;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>ImageFolder on real PNG and JPEG files written by SkiaSharp into a temporary folder.</summary>
public class ImageFolderTests
{
    /// <summary>JPEG is lossy: a flat colour comes back within a few levels.</summary>
    private const float JpegTolerance = 6 / 255f;

    /// <summary>Pixel (row i, column j) of the 4×4 PNG pattern: a different colour everywhere.</summary>
    private static SKColor Pattern(int i, int j) => new((byte)(10 * i + j), (byte)(100 + 20 * j), (byte)(250 - 30 * i));

    private static void Write(string path, int w, int h, Func<int, int, SKColor> color, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            bitmap.SetPixel(j, i, color(i, j));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var data = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>cat/a.png and cat/b.PNG (the pattern and its mirror), dog/c.jpg (flat orange), dog/more/d.jpeg (flat
    /// blue), plus a text file that must be ignored.</summary>
    private static void WriteClasses(TempFolder dir)
    {
        Write(dir.File("cat/a.png"), 4, 4, Pattern, SKEncodedImageFormat.Png);
        Write(dir.File("cat/b.PNG"), 4, 4, (i, j) => Pattern(i, 3 - j), SKEncodedImageFormat.Png);
        Write(dir.File("dog/c.jpg"), 4, 4, (_, _) => new SKColor(200, 100, 50), SKEncodedImageFormat.Jpeg);
        Write(dir.File("dog/more/d.jpeg"), 4, 4, (_, _) => new SKColor(20, 40, 220), SKEncodedImageFormat.Jpeg);
        File.WriteAllText(dir.File("dog/notes.txt"), "not an image");
    }

    [Fact]
    public void Load_PngAndJpeg_ClassesFilesAndPixels()
    {
        using var dir = new TempFolder();
        WriteClasses(dir);

        var folder = ImageFolder.Load(dir.Path, imageSize: 4);

        Assert.Equal(["cat", "dog"], folder.ClassNames);
        Assert.Equal([0f, 0f, 1f, 1f], folder.Dataset.Labels.ToArray());
        Assert.Equal(new Shape(4, 3, 4, 4), folder.Dataset.Features.Shape);
        Assert.Equal([dir.File("cat/a.png"), dir.File("cat/b.PNG"), dir.File("dog/c.jpg"), dir.File("dog/more/d.jpeg")],
            folder.Files);
        Assert.Empty(folder.Skipped);
        var x = folder.Dataset.Features;
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            var p = Pattern(i, j);   // PNG is lossless: exact values
            Assert.Equal([p.Red / 255f, p.Green / 255f, p.Blue / 255f], [x[0, 0, i, j], x[0, 1, i, j], x[0, 2, i, j]]);
            Assert.Equal(Pattern(i, 3 - j).Red / 255f, x[1, 0, i, j]);
            Assert.Equal(200 / 255f, x[2, 0, i, j], JpegTolerance);
            Assert.Equal(100 / 255f, x[2, 1, i, j], JpegTolerance);
            Assert.Equal(50 / 255f, x[2, 2, i, j], JpegTolerance);
            Assert.Equal(220 / 255f, x[3, 2, i, j], JpegTolerance);
        }
    }

    [Fact]
    public void Load_Grayscale_LumaOfThePixels()
    {
        using var dir = new TempFolder();
        WriteClasses(dir);

        var x = ImageFolder.Load(dir.Path, imageSize: 4, color: ColorMode.Grayscale).Dataset.Features;

        Assert.Equal(new Shape(4, 1, 4, 4), x.Shape);
        var p = Pattern(2, 1);
        int luma = (299 * p.Red + 587 * p.Green + 114 * p.Blue + 500) / 1000;
        Assert.Equal(luma / 255f, x[0, 0, 2, 1]);
        Assert.Equal((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, x[2, 0, 3, 3], JpegTolerance);
    }

    [Fact]
    public void Load_Normalization_AppliedPerChannel()
    {
        using var dir = new TempFolder();
        WriteClasses(dir);
        var normalization = new Normalization([0.5f, 0.25f, 0f], [0.5f, 0.25f, 2f]);

        var x = ImageFolder.Load(dir.Path, 4, normalization: normalization).Dataset.Features;

        var p = Pattern(1, 3);
        Assert.Equal((p.Red / 255f - 0.5f) / 0.5f, x[0, 0, 1, 3], 1e-6f);
        Assert.Equal((p.Green / 255f - 0.25f) / 0.25f, x[0, 1, 1, 3], 1e-6f);
        Assert.Equal(p.Blue / 255f / 2, x[0, 2, 1, 3], 1e-6f);
    }

    [Fact]
    public void Load_HalfSizeStretch_QuadrantsKeepTheirColours()
    {
        using var dir = new TempFolder();
        byte[] reds = [0, 80, 160, 240];
        Write(dir.File("only/q.png"), 8, 8, (i, j) => new SKColor(reds[i / 4 * 2 + j / 4], 0, 0),
            SKEncodedImageFormat.Png);

        var x = ImageFolder.Load(dir.Path, imageSize: 4, resize: ImageResize.Stretch).Dataset.Features;

        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            Assert.Equal(reds[i / 2 * 2 + j / 2] / 255f, x[0, 0, i, j], 2 / 255f);
    }

    [Fact]
    public void Load_WideImageCentreCrop_KeepsTheMiddle_StretchKeepsAll()
    {
        using var dir = new TempFolder();
        // 8 wide, 4 high: columns 0-1 red, 2-5 green, 6-7 blue.
        Write(dir.File("only/w.png"), 8, 4, (_, j) => j < 2 ? SKColors.Red : j < 6 ? SKColors.Lime : SKColors.Blue,
            SKEncodedImageFormat.Png);

        var cropped = ImageFolder.Load(dir.Path, imageSize: 4).Dataset.Features;
        var stretched = ImageFolder.Load(dir.Path, imageSize: 4, resize: ImageResize.Stretch).Dataset.Features;

        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(0f, cropped[0, 0, i, j], 1 / 255f);
            Assert.Equal(1f, cropped[0, 1, i, j], 1 / 255f);
        }
        Assert.True(stretched[0, 0, 1, 0] > 0.5f, "stretching keeps the red left edge");
        Assert.True(stretched[0, 2, 1, 3] > 0.5f, "stretching keeps the blue right edge");
    }

    [Fact]
    public void Load_CorruptFileAndFailPolicy_ThrowsNamingTheFile()
    {
        using var dir = new TempFolder();
        WriteClasses(dir);
        File.WriteAllBytes(dir.File("cat/broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);

        var e = Assert.Throws<FoveaException>(() => ImageFolder.Load(dir.Path, 4));

        Assert.Contains(dir.File("cat/broken.png"), e.Message);
        Assert.Contains("CorruptImageAction.Skip", e.Message);
    }

    [Fact]
    public void Load_CorruptAndTruncatedFilesWithSkip_ListsThemAndKeepsTheRest()
    {
        using var dir = new TempFolder();
        WriteClasses(dir);
        File.WriteAllText(dir.File("cat/text.jpg"), "this is text, not a JPEG");
        // A 64×64 JPEG cut after 60% of its bytes: the header is intact, the image data ends early.
        Write(dir.File("whole.jpg"), 64, 64, (i, j) => new SKColor((byte)(4 * i), (byte)(4 * j), 128),
            SKEncodedImageFormat.Jpeg);
        byte[] jpeg = File.ReadAllBytes(dir.File("whole.jpg"));
        File.WriteAllBytes(dir.File("dog/cut.jpg"), jpeg[..(jpeg.Length * 3 / 5)]);

        var folder = ImageFolder.Load(dir.Path, 4, onCorruptImage: CorruptImageAction.Skip);

        Assert.Equal(4, folder.Dataset.Count);
        Assert.Equal([0f, 0f, 1f, 1f], folder.Dataset.Labels.ToArray());
        Assert.Equal([dir.File("cat/text.jpg"), dir.File("dog/cut.jpg")], folder.Skipped.Select(s => s.Path));
        Assert.Contains("not a readable image", folder.Skipped[0].Reason);
        Assert.Contains("truncated", folder.Skipped[1].Reason);
        Assert.Equal(20 / 255f, folder.Dataset.Features[3, 0, 0, 0], JpegTolerance);   // d.jpeg moved up
    }

    [Fact]
    public void Load_MissingFolderOrNoClasses_ThrowsNamingFolder()
    {
        using var dir = new TempFolder();
        string missing = dir.File("nothing-here");

        Assert.Contains(missing, Assert.Throws<FoveaException>(() => ImageFolder.Load(missing, 4)).Message);
        var e = Assert.Throws<FoveaException>(() => ImageFolder.Load(dir.Path, 4));
        Assert.Contains("one subfolder per class", e.Message);
        Directory.CreateDirectory(dir.File("empty"));
        Assert.Contains("holds no images", Assert.Throws<FoveaException>(() => ImageFolder.Load(dir.Path, 4)).Message);
    }

    [Fact]
    public void Load_ThenStratifiedSplit_KeepsClassNames()
    {
        using var dir = new TempFolder();
        WriteClasses(dir);

        var (train, validation) = ImageFolder.Load(dir.Path, 4).Dataset.Split(0.5, seed: 0, stratified: true);

        Assert.Equal([0f, 1f], train.Labels.ToArray());
        Assert.Equal([0f, 1f], validation.Labels.ToArray());
        Assert.Equal(["cat", "dog"], train.ClassNames!);
    }
}
