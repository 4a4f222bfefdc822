using System.Buffers.Binary;
using System.IO.Compression;
using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class IdxReaderTests
{
    /// <summary>The bytes of an IDX file: 00 00 type rank, big-endian dims, payload.</summary>
    internal static byte[] IdxBytes(int[] dims, byte[] payload, byte type = 0x08)
    {
        byte[] bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var zip = new GZipStream(memory, CompressionLevel.Fastest))
            zip.Write(bytes);
        return memory.ToArray();
    }

    private static byte[] Counting(int n) => [.. Enumerable.Range(0, n).Select(i => (byte)(i * 7))];

    [Fact]
    public void Read_RawFile_RoundTrips()
    {
        using var dir = new TempFolder();
        string path = dir.File("images-idx3-ubyte");
        File.WriteAllBytes(path, IdxBytes([2, 3, 4], Counting(24)));

        var idx = IdxReader.Read(path);

        Assert.Equal(new Shape(2, 3, 4), idx.Dimensions);
        Assert.Equal(Counting(24), idx.Values);
    }

    [Fact]
    public void Read_GzipWithoutGzExtension_DetectsMagicAndRoundTrips()
    {
        using var dir = new TempFolder();
        string path = dir.File("labels.idx");
        File.WriteAllBytes(path, Gzip(IdxBytes([5], [0, 1, 2, 9, 255])));

        var idx = IdxReader.Read(path);

        Assert.Equal(new Shape(5), idx.Dimensions);
        Assert.Equal([0, 1, 2, 9, 255], idx.Values);
    }

    [Fact]
    public void Read_TruncatedPayload_ThrowsNamingFileExpectedAndFound()
    {
        using var dir = new TempFolder();
        string path = dir.File("train-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxBytes([2, 3, 4], Counting(24))[..(16 + 10)]);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("2×3×4 = 24 bytes", e.Message);
        Assert.Contains("found 10", e.Message);
    }

    [Fact]
    public void Read_TruncatedGzipPayload_ThrowsNamingFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("t.gz");
        // Compress a short payload: the stream is complete, but the IDX data in it is not.
        File.WriteAllBytes(path, Gzip(IdxBytes([100], Counting(100))[..50]));

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("after decompression", e.Message);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Read_CutGzipStream_ThrowsFoveaExceptionNamingFile(double keep)
    {
        using var dir = new TempFolder();
        string path = dir.File("cut.gz");
        var rng = new Rng(1);
        byte[] noisy = new byte[20_000];
        foreach (ref byte b in noisy.AsSpan())
            b = (byte)rng.NextInt(256);
        byte[] zipped = Gzip(IdxBytes([20, 1000], noisy));
        File.WriteAllBytes(path, zipped[..(int)(zipped.Length * keep)]);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Read_GzipMissingTrailerBytes_ThrowsTruncated(int cut)
    {
        // GZipStream itself accepts a stream whose CRC/size trailer is cut off; the reader must not.
        using var dir = new TempFolder();
        string path = dir.File("no-trailer.gz");
        byte[] zipped = Gzip(IdxBytes([3, 4], Counting(12)));
        File.WriteAllBytes(path, zipped[..^cut]);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Read_CorruptGzipStream_ThrowsFoveaExceptionNamingFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("corrupt.gz");
        byte[] zipped = Gzip(IdxBytes([3, 4], Counting(12)));
        zipped[zipped.Length - 6] ^= 0xff;   // inside the CRC-32 of the trailer
        File.WriteAllBytes(path, zipped);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Read_WrongMagic_ThrowsShowingBytes()
    {
        using var dir = new TempFolder();
        string path = dir.File("not-idx");
        File.WriteAllBytes(path, [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("00 00 08", e.Message);
        Assert.Contains("12 34 56 78", e.Message);
    }

    [Fact]
    public void Read_FloatType_ThrowsUnsupported()
    {
        using var dir = new TempFolder();
        string path = dir.File("floats");
        File.WriteAllBytes(path, IdxBytes([1], [0, 0, 0, 0], type: 0x0D));

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains("0x0d (float32)", e.Message);
        Assert.Contains("0x08", e.Message);
    }

    [Fact]
    public void Read_ZeroDimensions_Throws()
    {
        using var dir = new TempFolder();
        string path = dir.File("rank0");
        File.WriteAllBytes(path, IdxBytes([], [7]));

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains("0 dimensions", e.Message);
    }

    [Fact]
    public void Read_TruncatedHeader_Throws()
    {
        using var dir = new TempFolder();
        string path = dir.File("short-header");
        File.WriteAllBytes(path, IdxBytes([60000, 28, 28], [])[..9]);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains("3 dimensions (12 bytes), found 5", e.Message);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        using var dir = new TempFolder();
        string path = dir.File("long");
        File.WriteAllBytes(path, [.. IdxBytes([4], Counting(4)), 1, 2, 3]);

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains("4 = 4 bytes", e.Message);
        Assert.Contains("found 3 more", e.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "fovea-no-such-file-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<FoveaException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
    }
}
