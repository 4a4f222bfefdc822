using System.Diagnostics;

namespace Fovea;

/// <summary>
/// Wall-time per layer forward and per op backward, switched on by the environment variable FOVEA_PROFILE=1
/// (for performance work; a single static check when off). <see cref="Report"/> lists the totals.
/// </summary>
internal static class Profiler
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("FOVEA_PROFILE") == "1";
    private static readonly Dictionary<string, (long Ticks, long Calls)> s_totals = [];

    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Stop(string key, long start)
    {
        if (!Enabled)
            return;
        long t = Stopwatch.GetTimestamp() - start;
        lock (s_totals)
        {
            s_totals.TryGetValue(key, out var v);
            s_totals[key] = (v.Ticks + t, v.Calls + 1);
        }
    }

    public static string Report()
    {
        lock (s_totals)
        {
            double total = s_totals.Values.Sum(v => (double)v.Ticks);
            return string.Join('\n', s_totals.OrderByDescending(kv => kv.Value.Ticks).Select(kv =>
                $"{kv.Key,-40} {kv.Value.Ticks * 1000.0 / Stopwatch.Frequency,10:F1} ms {kv.Value.Calls,8} calls {100 * kv.Value.Ticks / Math.Max(1, total),6:F1}%"));
        }
    }
}
