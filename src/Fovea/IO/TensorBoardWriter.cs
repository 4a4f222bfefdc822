using System.Buffers.Binary;

namespace Fovea.IO;

/// <summary>
/// Writes a TensorBoard event file (events.out.tfevents.*): TFRecord framing — length (8 bytes LE), masked CRC-32C of
/// the length, the serialised tensorflow.Event, masked CRC-32C of the data — starting with a file_version
/// "brain.Event:2" event. Events carry Summary values: scalars (simple_value), images (PNG) and histograms
/// (HistogramProto). Every record is flushed, so TensorBoard sees progress live and a crash loses nothing written.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream _file;

    public TensorBoardWriter(string logDir)
    {
        Directory.CreateDirectory(logDir);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        FilePath = Path.Combine(logDir, $"events.out.tfevents.{(long)now}.{Environment.MachineName}.{Environment.ProcessId}.fovea");
        _file = new FileStream(FilePath, FileMode.Create, FileAccess.Write, FileShare.Read);
        WriteEvent(new ProtoWriter().Double(1, now).String(3, "brain.Event:2"));
    }

    public string FilePath { get; }

    public void Scalar(string tag, double value, long step) =>
        Summary(step, new ProtoWriter().String(1, tag).Float(2, (float)value));

    /// <summary>An image from PNG bytes.</summary>
    public void Image(string tag, byte[] png, int height, int width, int channels, long step)
    {
        var image = new ProtoWriter().Int64(1, height).Int64(2, width).Int64(3, channels).Bytes(4, png);
        Summary(step, new ProtoWriter().String(1, tag).Message(4, image));
    }

    /// <summary>A histogram of <paramref name="values"/> with <paramref name="bins"/> equal-width buckets.</summary>
    public void Histogram(string tag, ReadOnlySpan<float> values, long step, int bins = 30)
    {
        if (values.IsEmpty)
            return;
        double min = double.MaxValue, max = double.MinValue, sum = 0, sq = 0;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sq += (double)v * v;
        }
        double width = max > min ? (max - min) / bins : 1;
        var counts = new double[bins];
        foreach (float v in values)
            counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        var limits = Enumerable.Range(1, bins).Select(i => i == bins ? max : min + i * width).ToArray();
        var histo = new ProtoWriter().Double(1, min).Double(2, max).Double(3, values.Length).Double(4, sum).Double(5, sq)
            .PackedDoubles(6, limits).PackedDoubles(7, counts);
        Summary(step, new ProtoWriter().String(1, tag).Message(5, histo));
    }

    private void Summary(long step, ProtoWriter value)
    {
        var summary = new ProtoWriter().Message(1, value);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        WriteEvent(new ProtoWriter().Double(1, now).Int64(2, step).Message(5, summary));
    }

    private void WriteEvent(ProtoWriter evt)
    {
        byte[] data = evt.ToArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        _file.Write(header);
        _file.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        _file.Write(footer);
        _file.Flush();
    }

    public void Dispose() => _file.Dispose();
}
