using System.Buffers.Binary;
using System.IO.Compression;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Decodes a PNG's samples as stored, without colour conversion (SkiaSharp expands an indexed PNG to RGBA, losing the
/// palette indices that Pascal VOC uses as class labels). Follows the PNG specification: chunks IHDR, PLTE, IDAT
/// (one zlib stream over all of them), scanlines with one filter byte each (None, Sub, Up, Average, Paeth), bit depths
/// 1, 2, 4, 8 (16 for grey and RGB), no interlacing.
/// </summary>
internal static class PngMaskDecoder
{
    /// <summary>A decoded PNG: <see cref="Samples"/> holds <see cref="Channels"/> bytes per pixel, row-major
    /// (16-bit samples keep their high byte; sub-byte samples are unpacked to one byte each).</summary>
    internal sealed record Image(int Width, int Height, int ColorType, int Channels, byte[] Samples, byte[]? Palette);

    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    public static Image Decode(string path)
    {
        if (!File.Exists(path))
            throw new FoveaException($"{path}: file not found");
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature))
            throw new FoveaException($"{path}: not a PNG file (masks must be PNG)");
        int width = 0, height = 0, depth = 0, colorType = -1;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        int at = 8;
        while (at + 12 <= file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            if (length < 0 || at + 12 + length > file.Length)
                throw new FoveaException($"{path}: truncated PNG chunk '{type}'");
            var data = file.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    (depth, colorType) = (data[8], data[9]);
                    if (data[12] != 0)
                        throw new FoveaException($"{path}: interlaced PNG masks are not supported");
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            at += 12 + length;
            if (type == "IEND")
                break;
        }
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (width <= 0 || height <= 0 || channels == 0 || depth is not (1 or 2 or 4 or 8 or 16)
            || (depth == 16 && colorType == 3) || (depth < 8 && colorType is not (0 or 3)))
            throw new FoveaException($"{path}: unsupported PNG (colour type {colorType}, bit depth {depth})");
        if (colorType == 3 && palette is null)
            throw new FoveaException($"{path}: indexed PNG without a PLTE chunk");
        int bitsPerPixel = channels * depth;
        int stride = (width * bitsPerPixel + 7) / 8;
        int bpp = Math.Max(1, bitsPerPixel / 8);
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            int read = 0;
            while (read < raw.Length)
            {
                int n = z.Read(raw, read, raw.Length - read);
                if (n == 0)
                    throw new FoveaException($"{path}: PNG image data ends early");
                read += n;
            }
        }
        var previous = new byte[stride];
        var line = new byte[stride];
        var samples = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            raw.AsSpan(y * (stride + 1) + 1, stride).CopyTo(line);
            Unfilter(filter, line, previous, bpp, path);
            Unpack(line, samples.AsSpan(y * width * channels, width * channels), depth);
            (previous, line) = (line, previous);
        }
        return new Image(width, height, colorType, channels, samples, palette);
    }

    private static void Unfilter(int filter, Span<byte> line, ReadOnlySpan<byte> up, int bpp, string path)
    {
        for (int i = 0; i < line.Length; i++)
        {
            int a = i >= bpp ? line[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
            line[i] = filter switch
            {
                0 => line[i],
                1 => (byte)(line[i] + a),
                2 => (byte)(line[i] + b),
                3 => (byte)(line[i] + (a + b) / 2),
                4 => (byte)(line[i] + Paeth(a, b, c)),
                _ => throw new FoveaException($"{path}: unknown PNG filter type {filter}"),
            };
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Unpack(ReadOnlySpan<byte> line, Span<byte> destination, int depth)
    {
        if (depth == 8)
        {
            line[..destination.Length].CopyTo(destination);
            return;
        }
        if (depth == 16)
        {
            for (int i = 0; i < destination.Length; i++)
                destination[i] = line[2 * i];
            return;
        }
        int perByte = 8 / depth, mask = (1 << depth) - 1;
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (byte)((line[i / perByte] >> (8 - depth * (i % perByte + 1))) & mask);
    }
}
