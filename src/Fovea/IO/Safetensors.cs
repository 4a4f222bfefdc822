using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.IO;

/// <summary>
/// The safetensors format (Hugging Face; what PyTorch's <c>safetensors.torch.load_file</c> reads):
/// an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>
/// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes. Fovea writes F32 (and I64 for the
/// tensors named in <c>int64Names</c>, such as PyTorch's <c>num_batches_tracked</c>); it reads F32, F64, F16, BF16
/// and the integer types I64, I32, I16, I8, U8 and BOOL (all converted to float32).
/// </summary>
public static class Safetensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeader = 100L << 20;

    /// <summary>Writes <paramref name="tensors"/> (in the given order) atomically to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">Name and value of every tensor, in file order.</param>
    /// <param name="metadata">The header's <c>__metadata__</c> strings (PyTorch expects <c>"format": "pt"</c>).</param>
    /// <param name="int64Names">Tensors written as I64 (each value rounded to the nearest integer) instead of F32,
    /// e.g. BatchNorm's <c>num_batches_tracked</c>, which PyTorch keeps as int64.</param>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlySet<string>? int64Names = null)
    {
        var list = tensors.ToList();
        bool IsInt64(string name) => int64Names is not null && int64Names.Contains(name);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata)
                meta[k] = v;
            header[MetadataKey] = meta;
        }
        long offset = 0;
        var names = new HashSet<string>();
        foreach (var (name, t) in list)
        {
            if (!names.Add(name))
                throw new ArgumentException($"safetensors: tensor name '{name}' appears twice");
            if (name == MetadataKey)
                throw new ArgumentException($"safetensors: '{MetadataKey}' is reserved");
            long bytes = (IsInt64(name) ? 8L : 4L) * t.Length;
            header[name] = new JsonObject
            {
                ["dtype"] = IsInt64(name) ? "I64" : "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, s =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            s.Write(len);
            s.Write(json);
            for (int i = json.Length; i < padded; i++)
                s.WriteByte((byte)' ');
            foreach (var (name, t) in list)
            {
                if (IsInt64(name))
                    WriteInt64s(s, t.AsReadOnlySpan());
                else
                    WriteFloats(s, t.AsReadOnlySpan());
            }
        });
    }

    /// <summary>Reads every tensor of a safetensors file, in file order, with the header's metadata.</summary>
    /// <exception cref="FoveaException">The file is missing, truncated or not valid safetensors.</exception>
    public static (IReadOnlyList<KeyValuePair<string, Tensor>> Tensors, IReadOnlyDictionary<string, string> Metadata)
        Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FoveaException($"cannot read weights file '{path}': {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    internal static (IReadOnlyList<KeyValuePair<string, Tensor>>, IReadOnlyDictionary<string, string>) Parse(
        ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8)
            throw Bad(source, $"file has {bytes.Length} bytes, fewer than the 8-byte header length");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLen > (ulong)MaxHeader || headerLen > (ulong)(bytes.Length - 8))
            throw Bad(source, $"header length {headerLen} does not fit in a file of {bytes.Length} bytes (truncated?)");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.Slice(8, (int)headerLen)) as JsonObject
                ?? throw Bad(source, "header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FoveaException($"'{source}' is not a safetensors file: header is not valid JSON ({e.Message})", e);
        }
        var data = bytes[(8 + (int)headerLen)..];
        var meta = new Dictionary<string, string>();
        var entries = new List<(string Name, string Dtype, int[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
            {
                if (node is JsonObject mo)
                {
                    foreach (var (k, v) in mo)
                        meta[k] = v is JsonValue jv && jv.TryGetValue(out string? sv) ? sv : v?.ToJsonString() ?? "";
                }
                continue;
            }
            entries.Add(ParseEntry(name, node, source));
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var result = new List<KeyValuePair<string, Tensor>>(entries.Count);
        foreach (var (name, dtype, shape, begin, end) in entries)
        {
            if (begin < 0 || end < begin || end > data.Length)
                throw Bad(source, $"tensor '{name}' occupies bytes {begin}..{end} but the data section has {data.Length} bytes (truncated?)");
            var s = new Shape(shape);
            int size = DtypeSize(dtype, name, source);
            if ((end - begin) != (long)s.Length * size)
                throw Bad(source, $"tensor '{name}' {dtype} {s} needs {(long)s.Length * size} bytes, the header gives {end - begin}");
            var values = new float[s.Length];
            Decode(data.Slice((int)begin, (int)(end - begin)), dtype, values);
            var t = Tensor.Wrap(values, s);
            t.Name = name;
            result.Add(new(name, t));
        }
        // Restore the header's order (JSON object order), which writers such as Fovea use meaningfully.
        var order = header.Select((kv, i) => (kv.Key, i)).ToDictionary(p => p.Key, p => p.i);
        result.Sort((a, b) => order[a.Key].CompareTo(order[b.Key]));
        return (result, meta);
    }

    private static (string, string, int[], long, long) ParseEntry(string name, JsonNode? node, string source)
    {
        try
        {
            var o = node as JsonObject ?? throw Bad(source, $"entry '{name}' is not an object");
            string dtype = o["dtype"]?.GetValue<string>() ?? throw Bad(source, $"tensor '{name}' has no dtype");
            var shapeNode = o["shape"] as JsonArray ?? throw Bad(source, $"tensor '{name}' has no shape");
            var offsets = o["data_offsets"] as JsonArray ?? throw Bad(source, $"tensor '{name}' has no data_offsets");
            if (offsets.Count != 2)
                throw Bad(source, $"tensor '{name}' data_offsets must have two numbers");
            var shape = shapeNode.Select(d => d!.GetValue<long>()).ToArray();
            if (shape.Any(d => d < 0 || d > int.MaxValue))
                throw Bad(source, $"tensor '{name}' has an invalid shape [{string.Join(", ", shape)}]");
            long n = 1;
            foreach (long d in shape)
            {
                n *= d;
                if (n > Array.MaxLength)
                    throw Bad(source, $"tensor '{name}' shape [{string.Join(", ", shape)}] is too large");
            }
            return (name, dtype, shape.Select(d => (int)d).ToArray(), offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new FoveaException($"'{source}' is not a valid safetensors file: entry '{name}': {e.Message}", e);
        }
    }

    private static int DtypeSize(string dtype, string name, string source) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        "F16" or "BF16" or "I16" => 2,
        "I64" => 8,
        "I32" => 4,
        "I8" or "U8" or "BOOL" => 1,
        _ => throw Bad(source, $"tensor '{name}' has dtype {dtype}; Fovea reads F32, F64, F16, BF16, I64, I32, I16, " +
            "I8, U8 and BOOL"),
    };

    private static void Decode(ReadOnlySpan<byte> src, string dtype, Span<float> dst)
    {
        switch (dtype)
        {
            case "F32":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case "F64":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
                break;
            case "BF16": // the upper half of a float32
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            case "I64":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]);
                break;
            case "I32":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]);
                break;
            case "I16":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]);
                break;
            case "I8":
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (sbyte)src[i];
                break;
            default: // U8, BOOL
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = src[i];
                break;
        }
    }

    private static void WriteFloats(Stream s, ReadOnlySpan<float> values)
    {
        var buffer = new byte[4 * Math.Min(values.Length, 1 << 16)];
        for (int start = 0; start < values.Length; start += buffer.Length / 4)
        {
            int n = Math.Min(buffer.Length / 4, values.Length - start);
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), values[start + i]);
            s.Write(buffer, 0, 4 * n);
        }
    }

    private static void WriteInt64s(Stream s, ReadOnlySpan<float> values)
    {
        var buffer = new byte[8 * Math.Min(values.Length, 1 << 15)];
        for (int start = 0; start < values.Length; start += buffer.Length / 8)
        {
            int n = Math.Min(buffer.Length / 8, values.Length - start);
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(8 * i), (long)MathF.Round(values[start + i]));
            s.Write(buffer, 0, 8 * n);
        }
    }

    private static FoveaException Bad(string source, string what) => new($"'{source}' is not a valid safetensors file: {what}");
}
