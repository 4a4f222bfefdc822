using System.Buffers.Binary;
using System.Text;
using Fovea.IO;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.IO;

/// <summary>
/// Decodes the event files Fovea writes, as TensorBoard does: TFRecord framing with masked CRC-32C of the length and
/// of the data, then the tensorflow.Event / Summary protobufs (a minimal decoder written from the .proto field numbers).
/// </summary>
public sealed class TensorBoardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-tb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Crc32C_MatchesTheStandardCheckValue()
    {
        // CRC-32C check value of "123456789" (RFC 3720, iSCSI): 0xE3069283.
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(Crc32C.ComputeWithTable(data), Crc32C.Compute(data));
    }

    [Fact]
    public void Callback_WritesScalarsHistogramsAndImagesTensorBoardCanRead()
    {
        var model = new Sequential([new Conv2D(4, 3), new Flatten(), new Dense(2, Activations.Softmax)], seed: 1, inputShape: [1, 5, 5]);
        var x = Tensor.RandomNormal([16, 1, 5, 5], new Rng(2));
        var y = Tensor.Zeros([16]);
        model.Compile(new Sgd(0.1), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        model.Fit(x, y, epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0,
            callbacks: [new TensorBoard(_dir, sampleImages: x.SliceRows(0, 4).Clone())]);

        var train = ReadEvents(Directory.GetFiles(Path.Combine(_dir, "train"))[0]);
        var validation = ReadEvents(Directory.GetFiles(Path.Combine(_dir, "validation"))[0]);
        Assert.Equal("brain.Event:2", train[0].FileVersion);
        var scalars = train.SelectMany(e => e.Values).Where(v => v.Simple is not null).ToList();
        Assert.Equal(["epoch_loss", "epoch_accuracy", "epoch_learning_rate"], scalars.Take(3).Select(v => v.Tag));
        Assert.Equal(0.1f, scalars.First(v => v.Tag == "epoch_learning_rate").Simple!.Value, 6);
        Assert.Contains(validation.SelectMany(e => e.Values), v => v.Tag == "epoch_loss" && v.Simple is > 0);
        Assert.Equal([0L, 1L], train.Where(e => e.Values.Any(v => v.Tag == "epoch_loss")).Select(e => e.Step));
        var histogram = train.SelectMany(e => e.Values).First(v => v.Tag == "conv2d.kernel");
        Assert.Equal(36.0, histogram.HistogramCount);
        var images = train.SelectMany(e => e.Values).Where(v => v.Png is not null).ToList();
        Assert.Contains(images, v => v.Tag == "samples");
        Assert.Contains(images, v => v.Tag == "first_conv_filters");
        Assert.All(images, v => Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, v.Png![..4]));
    }

    private sealed record Value(string Tag, float? Simple, double? HistogramCount, byte[]? Png);

    private sealed record Event(double WallTime, long Step, string? FileVersion, List<Value> Values);

    private static List<Event> ReadEvents(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(pos));
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8)), Crc32C.Masked(bytes.AsSpan(pos, 8)));
            var data = bytes.AsSpan(pos + 12, (int)length);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 12 + (int)length)), Crc32C.Masked(data));
            events.Add(ParseEvent(data.ToArray()));
            pos += 12 + (int)length + 4;
        }
        return events;
    }

    private static Event ParseEvent(byte[] data)
    {
        double wall = 0;
        long step = 0;
        string? version = null;
        var values = new List<Value>();
        foreach (var (field, wire, v, payload) in Fields(data))
        {
            switch (field)
            {
                case 1: wall = BitConverter.Int64BitsToDouble((long)v); break;
                case 2: step = (long)v; break;
                case 3: version = Encoding.UTF8.GetString(payload!); break;
                case 5:
                    foreach (var f in Fields(payload!).Where(f => f.Field == 1))
                        values.Add(ParseValue(f.Payload!));
                    break;
            }
            _ = wire;
        }
        return new Event(wall, step, version, values);
    }

    private static Value ParseValue(byte[] data)
    {
        string tag = "";
        float? simple = null;
        double? count = null;
        byte[]? png = null;
        foreach (var (field, _, v, payload) in Fields(data))
        {
            if (field == 1) tag = Encoding.UTF8.GetString(payload!);
            if (field == 2) simple = BitConverter.Int32BitsToSingle((int)v);
            if (field == 4) png = Fields(payload!).First(f => f.Field == 4).Payload;
            if (field == 5) count = BitConverter.Int64BitsToDouble((long)Fields(payload!).First(f => f.Field == 3).Value);
        }
        return new Value(tag, simple, count, png);
    }

    /// <summary>Protobuf wire format: (field, wire type, varint/fixed value, length-delimited payload).</summary>
    private static IEnumerable<(int Field, int Wire, ulong Value, byte[]? Payload)> Fields(byte[] data)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            ulong key = Varint(data, ref pos);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref pos), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos)), null); pos += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)), null); pos += 4; break;
                case 2:
                    int len = (int)Varint(data, ref pos);
                    yield return (field, wire, 0, data.AsSpan(pos, len).ToArray());
                    pos += len;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int pos)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return v;
        }
    }
}
