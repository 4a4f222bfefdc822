using System.Buffers.Binary;
using System.Text;
using Fovea.IO;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.IO;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveLoad_RoundTripsNamesShapesValuesAndMetadata()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        var a = Tensor.Arange([2, 3]);
        var b = Tensor.FromArray(-1.5f, float.MaxValue, 1e-30f);
        Safetensors.Save(path, [new("layer.kernel", a), new("layer.bias", b)], new Dictionary<string, string> { ["k"] = "v" });
        var (tensors, meta) = Safetensors.Load(path);
        Assert.Equal(["layer.kernel", "layer.bias"], tensors.Select(t => t.Key));
        Assert.Equal(new Shape(2, 3), tensors[0].Value.Shape);
        Assert.Equal(a.ToArray(), tensors[0].Value.ToArray());
        Assert.Equal(b.ToArray(), tensors[1].Value.ToArray());
        Assert.Equal("v", meta["k"]);
    }

    [Fact]
    public void Save_FollowsTheFormat_HeaderLengthJsonPaddingAndLittleEndianData()
    {
        string path = Path.Combine(_dir, "f.safetensors");
        Safetensors.Save(path, [new("x", Tensor.FromArray(1f, 2f))]);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLen = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLen % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLen);
        Assert.Equal("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.TrimEnd(' '));
        Assert.Equal(8 + headerLen + 8, bytes.Length);
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + headerLen))));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + headerLen + 4))));
    }

    [Fact]
    public void Load_ReadsHalfBFloatAndDouble()
    {
        // Hand-made file: F16 [1.5], BF16 [-2], F64 [0.25]
        string json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]}," +
            "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]}}";
        var data = new byte[12];
        BinaryPrimitives.WriteHalfLittleEndian(data, (Half)1.5f);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), 0xC000); // bf16 −2.0
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(4), 0.25);
        string path = Write(json, data);
        var (t, _) = Safetensors.Load(path);
        Assert.Equal([1.5f, -2f, 0.25f], t.Select(kv => kv.Value.Item()));
    }

    [Fact]
    public void Load_ReadsIntegerTypes_AsPyTorchStoresNumBatchesTracked()
    {
        // Hand-made file: I64 scalar 123456789012 (num_batches_tracked is an int64 scalar), I32 [-7], I16 [-300],
        // I8 [-5], U8 [200], BOOL [1].
        string json = "{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}," +
            "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}," +
            "\"s\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[12,14]}," +
            "\"c\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[14,15]}," +
            "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[15,16]}," +
            "\"b\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[16,17]}}";
        var data = new byte[17];
        BinaryPrimitives.WriteInt64LittleEndian(data, 123456789012);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), -7);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(12), -300);
        data[14] = unchecked((byte)-5);
        data[15] = 200;
        data[16] = 1;
        var (t, _) = Safetensors.Load(Write(json, data));
        Assert.Equal(new Shape(), t[0].Value.Shape);
        Assert.Equal([123456789012f, -7f, -300f, -5f, 200f, 1f], t.Select(kv => kv.Value.Item()));
    }

    [Fact]
    public void Save_Int64Names_WritesI64RoundedValues()
    {
        string path = Path.Combine(_dir, "i64.safetensors");
        Safetensors.Save(path, [new("n", Tensor.Wrap([3f, 100f], [2])), new("w", Tensor.Wrap([0.5f], [1]))],
            int64Names: new HashSet<string> { "n" });
        var bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Contains("\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}", header);
        Assert.Contains("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}", header);
        Assert.Equal(100L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 + headerLength + 8)));
        var (t, _) = Safetensors.Load(path);
        Assert.Equal([3f, 100f, 0.5f], t.SelectMany(kv => kv.Value.ToArray()));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(20)]
    [InlineData(60)]
    public void Load_TruncatedFile_ThrowsFoveaExceptionNamingTheFile(int keep)
    {
        string path = Path.Combine(_dir, "t.safetensors");
        Safetensors.Save(path, [new("x", Tensor.Arange([4, 4]))]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..Math.Min(keep, bytes.Length - 1)]);
        var e = Assert.Throws<FoveaException>(() => Safetensors.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}")]
    public void Load_CorruptHeader_ThrowsFoveaException(string json)
    {
        var e = Assert.Throws<FoveaException>(() => Safetensors.Load(Write(json, new byte[4])));
        Assert.Contains("safetensors", e.Message);
    }

    private string Write(string json, byte[] data)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".safetensors");
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
