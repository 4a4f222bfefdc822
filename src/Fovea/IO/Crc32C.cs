using System.Runtime.Intrinsics.X86;

namespace Fovea.IO;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord/TensorBoard files use it, with the SSE 4.2 crc32
/// instruction when available and a table otherwise. <see cref="Masked"/> is TFRecord's masking:
/// ((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xA282EAD8.
/// </summary>
internal static class Crc32C
{
    private static readonly uint[] s_table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        if (Sse42.X64.IsSupported)
        {
            ulong c = crc;
            for (; i + 8 <= data.Length; i += 8)
                c = Sse42.X64.Crc32(c, BitConverter.ToUInt64(data.Slice(i, 8)));
            crc = (uint)c;
        }
        if (Sse42.IsSupported)
        {
            for (; i < data.Length; i++)
                crc = Sse42.Crc32(crc, data[i]);
            return ~crc;
        }
        for (; i < data.Length; i++)
            crc = s_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>The table-driven computation only (the reference the instruction path must match).</summary>
    public static uint ComputeWithTable(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
