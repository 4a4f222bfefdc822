using System.Buffers.Binary;
using System.IO.Compression;
using Fovea.Vision.Segmentation;
using SkiaSharp;
using Xunit;

namespace Fovea.Vision.Tests.Segmentation;

/// <summary><see cref="SegmentationFolder"/>: grey, indexed-palette (Pascal VOC) and RGB masks, and its errors.</summary>
public sealed class SegmentationFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-segfolder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    public void ReadMask_IndexedPalettePng_GivesPaletteIndicesNotColours(int depth)
    {
        // A hand-encoded PNG (colour type 3) whose rows use all five filter types; SkiaSharp would expand it to RGBA.
        const int w = 7, h = 5;
        var indices = new byte[w * h];
        for (int i = 0; i < indices.Length; i++)
            indices[i] = (byte)(depth == 8 ? (i * 37 % 21 == 0 ? 255 : i * 7 % 21) : i * 5 % 16);
        string path = Path.Combine(_dir, "voc.png");
        File.WriteAllBytes(path, HandPng.Indexed(indices, w, h, depth));

        var (classes, mh, mw) = SegmentationFolder.ReadMask(path);

        Assert.Equal((h, w), (mh, mw));
        Assert.Equal(indices.Select(b => (float)b), classes);
        if (depth == 8)
            Assert.Contains(255f, classes); // VOC's border label survives as 255 (ignore)
    }

    [Fact]
    public void Load_GreyMasksAndImages_PairsByNameAndKeepsClassValues()
    {
        var masks = WriteSample("b", 6, 4, seed: 1);
        var first = WriteSample("a", 6, 4, seed: 2);

        var data = SegmentationFolder.Load(_dir);

        Assert.Equal(["a", "b"], data.Names);
        Assert.Equal([2, 3, 4, 6], data.Images.Shape.ToArray());
        Assert.Equal([2, 4, 6], data.Masks.Shape.ToArray());
        Assert.Equal(first.Concat(masks).Select(b => (float)b), data.Masks.AsReadOnlySpan().ToArray());
        var dataset = data.ToDataset();
        Assert.Equal([4, 6], dataset.LabelShape.ToArray());
    }

    [Fact]
    public void Load_ImageSize_ResizesMaskByNearestNeighbour()
    {
        // A 4×4 mask of 2×2 blocks, scaled ×2: each block becomes 4×4, values unchanged.
        byte[] mask = [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 0, 0, 3, 3, 0, 0];
        WriteImage("x", 4, 4);
        WriteGrey(Path.Combine(_dir, "masks", "x.png"), mask, 4, 4);

        var data = SegmentationFolder.Load(_dir, new SegmentationFolderOptions { ImageSize = 8 });

        var m = data.Masks.AsReadOnlySpan();
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
                Assert.Equal(mask[y / 2 * 4 + x / 2], m[y * 8 + x]);
        }
    }

    [Fact]
    public void Load_RgbMaskWithColourMap_MapsColoursToClasses()
    {
        WriteImage("c", 3, 2);
        (byte, byte, byte)[] colours = [(0, 0, 0), (128, 0, 0), (0, 128, 0)];
        int[] truth = [0, 1, 2, 2, 1, 0];
        WriteRgbMask(Path.Combine(_dir, "masks", "c.png"), truth.Select(k => colours[k]).ToArray(), 3, 2);

        var data = SegmentationFolder.Load(_dir, new SegmentationFolderOptions { ColorMap = colours });

        Assert.Equal(truth.Select(k => (float)k), data.Masks.AsReadOnlySpan().ToArray());
    }

    [Fact]
    public void Load_RgbMaskWithUnknownColour_ThrowsNamingFileAndColour()
    {
        WriteImage("c", 2, 2);
        string mask = Path.Combine(_dir, "masks", "c.png");
        WriteRgbMask(mask, [(0, 0, 0), (0, 0, 0), (0, 0, 0), (9, 8, 7)], 2, 2);

        var e = Assert.Throws<FoveaException>(() =>
            SegmentationFolder.Load(_dir, new SegmentationFolderOptions { ColorMap = [(0, 0, 0)] }));

        Assert.Contains(mask, e.Message);
        Assert.Contains("(9, 8, 7)", e.Message);
        Assert.Contains("x 1, y 1", e.Message);
    }

    [Fact]
    public void Load_MaskOfOtherSize_ThrowsNamingBothFiles()
    {
        WriteImage("d", 4, 4);
        WriteGrey(Path.Combine(_dir, "masks", "d.png"), new byte[12], 4, 3);

        var e = Assert.Throws<FoveaException>(() => SegmentationFolder.Load(_dir));

        Assert.Contains(Path.Combine("masks", "d.png"), e.Message);
        Assert.Contains(Path.Combine("images", "d.png"), e.Message);
        Assert.Contains("4x3", e.Message);
    }

    [Fact]
    public void Load_MissingMask_ThrowsNamingImage()
    {
        WriteImage("e", 4, 4);
        Directory.CreateDirectory(Path.Combine(_dir, "masks"));

        var e = Assert.Throws<FoveaException>(() => SegmentationFolder.Load(_dir));

        Assert.Contains(Path.Combine("images", "e.png"), e.Message);
        Assert.Contains("no mask", e.Message);
    }

    private byte[] WriteSample(string name, int w, int h, int seed)
    {
        WriteImage(name, w, h);
        var rng = new Random(seed);
        var mask = Enumerable.Range(0, w * h).Select(_ => (byte)rng.Next(5)).ToArray();
        WriteGrey(Path.Combine(_dir, "masks", name + ".png"), mask, w, h);
        return mask;
    }

    private void WriteImage(string name, int w, int h)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(10, 20, 30));
        Save(bitmap, Path.Combine(_dir, "images", name + ".png"));
    }

    private static void WriteGrey(string path, byte[] values, int w, int h)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        values.CopyTo(bitmap.GetPixelSpan());
        Save(bitmap, path);
    }

    private static void WriteRgbMask(string path, (byte R, byte G, byte B)[] colours, int w, int h)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var p = bitmap.GetPixelSpan();
        for (int i = 0; i < w * h; i++)
            (p[4 * i], p[4 * i + 1], p[4 * i + 2], p[4 * i + 3]) = (colours[i].R, colours[i].G, colours[i].B, 255);
        Save(bitmap, path);
    }

    private static void Save(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }

    /// <summary>A minimal PNG encoder written from the PNG specification (independent of the decoder under test):
    /// colour type 3, the VOC palette's first colours, rows filtered with types 0-4 in turn.</summary>
    private static class HandPng
    {
        public static byte[] Indexed(byte[] indices, int w, int h, int depth)
        {
            int stride = (w * depth + 7) / 8;
            var rows = new byte[h * (stride + 1)];
            var previous = new byte[stride];
            for (int y = 0; y < h; y++)
            {
                var line = new byte[stride];
                int perByte = 8 / depth;
                for (int x = 0; x < w; x++)
                    line[x / perByte] |= (byte)(indices[y * w + x] << (8 - depth * (x % perByte + 1)));
                int filter = y % 5;
                rows[y * (stride + 1)] = (byte)filter;
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= 1 ? line[i - 1] : 0, b = previous[i], c = i >= 1 ? previous[i - 1] : 0;
                    int predictor = filter switch
                    {
                        0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                        _ => Math.Abs(b - c) <= Math.Abs(a - c) && Math.Abs(b - c) <= Math.Abs(a + b - 2 * c) ? a
                            : Math.Abs(a - c) <= Math.Abs(a + b - 2 * c) ? b : c,
                    };
                    rows[y * (stride + 1) + 1 + i] = (byte)(line[i] - predictor);
                }
                previous = line;
            }
            using var png = new MemoryStream();
            png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
            var ihdr = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
            BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
            (ihdr[8], ihdr[9]) = ((byte)depth, 3);
            Chunk(png, "IHDR", ihdr);
            var palette = new byte[256 * 3];
            for (int k = 0; k < 256; k++)
                (palette[3 * k], palette[3 * k + 1], palette[3 * k + 2]) = ((byte)(k * 3), (byte)(k * 5), (byte)k);
            Chunk(png, "PLTE", palette.AsSpan(0, 3 * (1 << depth)).ToArray());
            using var z = new MemoryStream();
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
                zs.Write(rows);
            // Two IDAT chunks: the decoder must join them into one zlib stream.
            var compressed = z.ToArray();
            Chunk(png, "IDAT", compressed[..(compressed.Length / 2)]);
            Chunk(png, "IDAT", compressed[(compressed.Length / 2)..]);
            Chunk(png, "IEND", []);
            return png.ToArray();
        }

        private static void Chunk(Stream s, string type, byte[] data)
        {
            var head = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
            System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
            s.Write(head);
            s.Write(data);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(head.AsSpan(4).ToArray().Concat(data).ToArray()));
            s.Write(crc);
        }

        private static uint Crc(byte[] bytes)
        {
            uint c = 0xFFFFFFFF;
            foreach (byte b in bytes)
            {
                c ^= b;
                for (int k = 0; k < 8; k++)
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            return c ^ 0xFFFFFFFF;
        }
    }
}
