using System.Buffers.Binary;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// ONNX TensorProto ↔ Fovea tensors. Every numeric type is read into float32 (integers exactly up to 2^24; larger
/// magnitudes such as INT64_MAX in slice bounds are kept as the nearest float and saturate when read back as
/// integers). Data may be typed fields, little-endian raw bytes, or external files inside the model's folder.
/// </summary>
internal static class OnnxTensors
{
    public const int Float = 1, Uint8 = 2, Int8 = 3, Uint16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
        Float16 = 10, Double = 11, Uint32 = 12, Uint64 = 13, Bfloat16 = 16;

    public static bool IsInteger(int type)
        => type is Uint8 or Int8 or Uint16 or Int16 or Int32 or Int64 or Uint32 or Uint64;

    public static bool IsFloat(int type) => type is Float or Float16 or Double or Bfloat16;

    public static string TypeName(int type) => type switch
    {
        Float => "float", Uint8 => "uint8", Int8 => "int8", Uint16 => "uint16", Int16 => "int16", Int32 => "int32",
        Int64 => "int64", String => "string", Bool => "bool", Float16 => "float16", Double => "double",
        Uint32 => "uint32", Uint64 => "uint64", Bfloat16 => "bfloat16", _ => $"type {type}",
    };

    /// <summary>Bytes per element in raw data, or 0 for types Fovea cannot read.</summary>
    private static int ElementSize(int type) => type switch
    {
        Uint8 or Int8 or Bool => 1,
        Uint16 or Int16 or Float16 or Bfloat16 => 2,
        Float or Int32 or Uint32 => 4,
        Int64 or Double or Uint64 => 8,
        _ => 0,
    };

    /// <summary>The shape of a TensorProto, checked (non-negative dims, at most 2^31 − 1 elements).</summary>
    public static Shape ShapeOf(TensorProto t, string where)
    {
        var dims = new int[t.Dims.Count];
        long total = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0 || d > int.MaxValue)
                throw new FoveaException($"{where}: tensor '{t.Name}' has invalid dimension {d} in " +
                    $"[{string.Join(", ", t.Dims)}]");
            total *= Math.Max(d, 1);
            if (total > Array.MaxLength)
                throw new FoveaException($"{where}: tensor '{t.Name}' [{string.Join(", ", t.Dims)}] is too large");
            dims[i] = (int)d;
        }
        return new Shape(dims);
    }

    /// <summary>Reads <paramref name="t"/>; <paramref name="folder"/> is where external data may live.</summary>
    public static Tensor Read(TensorProto t, string? folder, string where)
    {
        var shape = ShapeOf(t, where);
        int n = shape.Length;
        int type = t.DataType;
        if (ElementSize(type) == 0)
            throw new FoveaException($"{where}: tensor '{t.Name}' has element type {TypeName(type)}, which Fovea " +
                $"cannot read");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var bytes = OnnxExternalData.Read(t, folder, n * (long)ElementSize(type), where);
            var external = new float[n];
            ReadRaw(bytes, type, external, t.Name, where);
            return Tensor.Wrap(external, shape);
        }
        if (t.HasRawData)
        {
            if (t.RawData.Length != n * (long)ElementSize(type))
                throw new FoveaException(
                    $"{where}: tensor '{t.Name}' of shape {shape} has {t.RawData.Length} bytes of data, expected " +
                    $"{n * (long)ElementSize(type)} ({n} {TypeName(type)} values)");
            var raw = new float[n];
            ReadRaw(t.RawData.Span, type, raw, t.Name, where);
            return Tensor.Wrap(raw, shape);
        }
        int count = type switch
        {
            Float => t.FloatData.Count,
            Int64 => t.Int64Data.Count,
            Double => t.DoubleData.Count,
            Uint32 or Uint64 => t.Uint64Data.Count,
            _ => t.Int32Data.Count,
        };
        if (count != n)
            throw new FoveaException(
                $"{where}: tensor '{t.Name}' of shape {shape} holds {count} values, expected {n}");
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = type switch
            {
                Float => t.FloatData[i],
                Int64 => t.Int64Data[i],
                Double => (float)t.DoubleData[i],
                Uint32 or Uint64 => t.Uint64Data[i],
                Float16 => (float)BitConverter.UInt16BitsToHalf((ushort)t.Int32Data[i]),
                Bfloat16 => BitConverter.Int32BitsToSingle(t.Int32Data[i] << 16),
                _ => t.Int32Data[i],
            };
        }
        return Tensor.Wrap(values, shape);
    }

    private static void ReadRaw(ReadOnlySpan<byte> raw, int type, float[] values, string name, string where)
    {
        int size = ElementSize(type);
        if (raw.Length != (long)values.Length * size)
            throw new FoveaException(
                $"{where}: tensor '{name}' has {raw.Length} bytes of data, expected {(long)values.Length * size} " +
                $"({values.Length} {TypeName(type)} values)");
        for (int i = 0; i < values.Length; i++)
        {
            var b = raw.Slice(i * size, size);
            values[i] = type switch
            {
                Float => BinaryPrimitives.ReadSingleLittleEndian(b),
                Double => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                Uint64 => BinaryPrimitives.ReadUInt64LittleEndian(b),
                Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
                Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                Float16 => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b)),
                Bfloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                Int8 => (sbyte)b[0],
                _ => b[0],
            };
        }
    }

    /// <summary>A float value as a 64-bit integer, saturating at the int64 range (INT64_MAX slice bounds).</summary>
    public static long ToLong(float v) => v >= 9.2e18f ? long.MaxValue : v <= -9.2e18f ? long.MinValue : (long)v;

    /// <summary>A float value as an int, saturating.</summary>
    public static int ToInt(float v) => v >= int.MaxValue ? int.MaxValue : v <= int.MinValue ? int.MinValue : (int)v;

    /// <summary>Row-major strides of <paramref name="dims"/> in elements.</summary>
    public static int[] Strides(int[] dims)
    {
        var strides = new int[dims.Length];
        int stride = 1;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= dims[d];
        }
        return strides;
    }
}
