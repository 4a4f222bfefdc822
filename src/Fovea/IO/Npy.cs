using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fovea.Tensors;

namespace Fovea.IO;

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a version, a little-endian header length,
/// an ASCII Python-dict header ({'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }) padded to a multiple of
/// 64 bytes and ending in a newline, then the raw C-order data. Fovea writes float32 (version 1.0); it reads float32,
/// float64, float16, int8/16/32/64 and uint8/16/32 (little-endian or single-byte), converted to float32.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static void Save(string path, Tensor tensor)
    {
        string shape = tensor.Rank switch
        {
            0 => "()",
            1 => $"({tensor.Shape[0]},)",
            _ => "(" + string.Join(", ", tensor.Shape) + ")",
        };
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        int unpadded = s_magic.Length + 2 + 2 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        AtomicFile.Write(path, s =>
        {
            s.Write(s_magic);
            s.WriteByte(1);
            s.WriteByte(0);
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            s.Write(len);
            s.Write(Encoding.ASCII.GetBytes(header));
            var buffer = new byte[4 * tensor.Length];
            var values = tensor.AsReadOnlySpan();
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), values[i]);
            s.Write(buffer);
        });
    }

    /// <exception cref="FoveaException">The file is missing, truncated or not a supported .npy file.</exception>
    public static Tensor Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FoveaException($"cannot read '{path}': {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    internal static Tensor Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(s_magic))
            throw Bad(source, "it does not start with the \\x93NUMPY magic");
        int major = bytes[6];
        int headerLength, offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
            offset = 10;
        }
        else if (major is 2 or 3 && bytes.Length >= 12)
        {
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
            if (len > int.MaxValue)
                throw Bad(source, $"header length {len} is impossible");
            headerLength = (int)len;
            offset = 12;
        }
        else
        {
            throw Bad(source, $"format version {major}.{bytes[7]} is not 1.0, 2.0 or 3.0");
        }
        if (offset + headerLength > bytes.Length)
            throw Bad(source, $"the header claims {headerLength} bytes but the file has {bytes.Length}");
        string header = Encoding.Latin1.GetString(bytes.Slice(offset, headerLength));
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw Bad(source, $"its header is not a dict with 'descr', 'fortran_order' and 'shape': {header.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw Bad(source, "it is stored in Fortran order; save it with np.ascontiguousarray first");
        var dims = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= int.MaxValue
                ? (int)v
                : throw Bad(source, $"shape entry '{d}' is not a dimension")).ToArray();
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count > Array.MaxLength)
            throw Bad(source, $"shape ({string.Join(", ", dims)}) is too large");
        var (size, read) = Reader(descr.Groups[1].Value, source);
        var data = bytes[(offset + headerLength)..];
        if ((long)data.Length < count * size)
            throw Bad(source, $"shape ({string.Join(", ", dims)}) of {descr.Groups[1].Value} needs {count * size} bytes of data, found {data.Length} (truncated?)");
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = read(data.Slice(i * size, size));
        return Tensor.Wrap(values, new Shape(dims));
    }

    private delegate float ReadOne(ReadOnlySpan<byte> b);

    private static (int Size, ReadOne Read) Reader(string descr, string source) => descr switch
    {
        "<f4" => (4, b => BinaryPrimitives.ReadSingleLittleEndian(b)),
        "<f8" => (8, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)),
        "<f2" => (2, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b)),
        "|i1" or "<i1" => (1, b => (sbyte)b[0]),
        "|u1" or "<u1" or "|b1" => (1, b => b[0]),
        "<i2" => (2, b => BinaryPrimitives.ReadInt16LittleEndian(b)),
        "<u2" => (2, b => BinaryPrimitives.ReadUInt16LittleEndian(b)),
        "<i4" => (4, b => BinaryPrimitives.ReadInt32LittleEndian(b)),
        "<u4" => (4, b => BinaryPrimitives.ReadUInt32LittleEndian(b)),
        "<i8" => (8, b => BinaryPrimitives.ReadInt64LittleEndian(b)),
        _ => throw Bad(source, $"dtype '{descr}' is not supported (float32/64/16, int8-64, uint8-32, little-endian)"),
    };

    private static FoveaException Bad(string source, string what) => new($"'{source}' is not a valid .npy file: {what}");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
