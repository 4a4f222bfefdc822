using System.Buffers.Binary;
using System.IO.Compression;
using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// Reads IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST, either raw or gzip-compressed (detected by
/// the gzip magic bytes <c>1f 8b</c>, not by the file name).
/// </summary>
/// <remarks>
/// Layout: two zero bytes, a type code (only <c>0x08</c>, unsigned byte, is supported), the number of dimensions,
/// each dimension as a big-endian int32, then the values in row-major order. The payload must hold exactly the
/// product of the dimensions: a truncated, padded or corrupt file throws a <see cref="FoveaException"/> that names
/// the file and says what the header promised and what was found.
/// </remarks>
public static class IdxReader
{
    /// <summary>The largest number of dimensions accepted; real files use 1 (labels) to 3 (images).</summary>
    public const int MaxDimensions = 8;

    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads the IDX file at <paramref name="path"/>, decompressing it first when it is gzip.</summary>
    /// <exception cref="FoveaException">The file is missing, not IDX, of an unsupported type, truncated or
    /// longer than its header says, or a corrupt gzip stream.</exception>
    public static IdxData Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FoveaException($"IDX file '{path}' does not exist");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            if (!gzip)
                return Read(file, path, compressed: false);
            IdxData data;
            using (var unzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true))
                data = Read(unzip, path, compressed: true);
            CheckGzipSize(file, path, 4L + 4 * data.Dimensions.Rank + data.Values.Length);
            return data;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new FoveaException(
                $"'{path}' starts like a gzip file but its compressed stream is corrupt or truncated: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new FoveaException($"'{path}' could not be read: {e.Message}", e);
        }
    }

    /// <summary>Parses an uncompressed IDX stream; <paramref name="name"/> is used in error messages.</summary>
    internal static IdxData Read(Stream stream, string name, bool compressed = false)
    {
        Span<byte> head = stackalloc byte[4];
        int got = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new FoveaException($"'{name}' is truncated: an IDX header needs 4 bytes, found {got}");
        if (head[0] != 0 || head[1] != 0)
        {
            throw new FoveaException(
                $"'{name}' is not an IDX file: expected the magic bytes 00 00 08 <dimension count>, found "
                + Convert.ToHexString(head).ToLowerInvariant().Insert(6, " ").Insert(4, " ").Insert(2, " "));
        }
        if (head[2] != UnsignedByteType)
        {
            throw new FoveaException(
                $"'{name}' has IDX type code 0x{head[2]:x2} ({TypeName(head[2])}); "
                + "only 0x08 (unsigned byte) is supported");
        }
        int rank = head[3];
        if (rank is < 1 or > MaxDimensions)
            throw new FoveaException($"'{name}' declares {rank} dimensions; expected 1 to {MaxDimensions}");

        Span<byte> dimBytes = stackalloc byte[4 * rank];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
        {
            throw new FoveaException(
                $"'{name}' is truncated: the header promises {rank} dimensions ({dimBytes.Length} bytes), found {got}");
        }
        int[] dims = new int[rank];
        long length = 1;
        for (int d = 0; d < rank; d++)
        {
            int value = BinaryPrimitives.ReadInt32BigEndian(dimBytes[(4 * d)..]);
            if (value < 0)
                throw new FoveaException($"'{name}' is corrupt: dimension {d} is {(uint)value}, more than 2^31 - 1");
            dims[d] = value;
            length *= value;
            if (length > Array.MaxLength)
            {
                throw new FoveaException(
                    $"'{name}' is corrupt or too large: its header promises {string.Join("×", dims[..(d + 1)])}... "
                    + $"bytes, more than the {Array.MaxLength} a .NET array can hold");
            }
        }

        string promise = $"{string.Join("×", dims)} = {length} bytes of data";
        byte[] values = GC.AllocateUninitializedArray<byte>((int)length);
        got = stream.ReadAtLeast(values, values.Length, throwOnEndOfStream: false);
        if (got < values.Length)
        {
            string after = compressed ? " after decompression" : "";
            throw new FoveaException($"'{name}' is truncated: header promises {promise}, found {got}{after}");
        }
        long extra = CountRemaining(stream);
        if (extra > 0)
        {
            throw new FoveaException(
                $"'{name}' is longer than its header says: it promises {promise}, found {extra} more");
        }
        return new IdxData(new Shape(dims), values);
    }

    /// <summary>
    /// GZipStream accepts a stream whose 8-byte trailer (CRC-32, size) is cut off, so a file truncated by a few bytes
    /// would pass: check that the trailer's size field (the last 4 bytes, little-endian) matches what was read.
    /// </summary>
    private static void CheckGzipSize(FileStream file, string path, long decompressed)
    {
        const int MinimumGzipLength = 18;   // 10-byte header, empty deflate data, 8-byte trailer
        Span<byte> tail = stackalloc byte[4];
        if (file.Length >= MinimumGzipLength)
        {
            file.Position = file.Length - 4;
            file.ReadExactly(tail);
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (file.Length < MinimumGzipLength || stored != (uint)decompressed)
        {
            throw new FoveaException(
                $"'{path}' is a truncated gzip stream: it decompressed to {decompressed} bytes, but its trailer "
                + $"(last 4 bytes) records {stored} (a gzip made of several concatenated parts also fails this check)");
        }
    }

    private static long CountRemaining(Stream stream)
    {
        Span<byte> sink = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = stream.Read(sink)) > 0)
            total += n;
        return total;
    }

    private static string TypeName(byte code) => code switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "not an IDX type",
    };
}
