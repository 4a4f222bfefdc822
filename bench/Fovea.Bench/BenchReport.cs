using System.Diagnostics;
using System.Text.Json;
using Fovea.Kernels;

namespace Fovea.Bench;

/// <summary>Timing and output shared by the benchmarks: one JSON object per result line on stdout.</summary>
internal sealed class BenchReport(bool jsonOnly)
{
    public static int Threads => KernelThreads.ThreadCount;

    /// <summary>
    /// Runs <paramref name="call"/> 3 times to warm up, then <paramref name="trials"/> trials of back-to-back
    /// calls, each trial lasting about <paramref name="secondsPerTrial"/>. Returns seconds per call for each
    /// trial and the calls per trial.
    /// </summary>
    public static (double[] Seconds, int Iterations) Time(Action call, int trials = 5, double secondsPerTrial = 0.5)
    {
        for (int i = 0; i < 3; i++)
            call();
        var sw = Stopwatch.StartNew();
        int probe = 0;
        while (probe < 10 && sw.Elapsed.TotalSeconds < secondsPerTrial)
        {
            call();
            probe++;
        }
        double one = sw.Elapsed.TotalSeconds / probe;
        int iterations = (int)Math.Max(1, secondsPerTrial / Math.Max(one, 1e-9));
        var seconds = new double[trials];
        for (int t = 0; t < trials; t++)
        {
            sw.Restart();
            for (int i = 0; i < iterations; i++)
                call();
            seconds[t] = sw.Elapsed.TotalSeconds / iterations;
        }
        return (seconds, iterations);
    }

    /// <summary>Writes one result: bench, the case's fields, threads, unit, best/median/worst, trials.</summary>
    public void Emit(string bench, string unit, double[] values, int iterations, int threads,
        params (string Key, object Value)[] fields) => Write(bench, unit, values, iterations, threads, lowerIsBetter: false, fields);

    /// <summary>Like <see cref="Emit"/> for latencies: "best" is the smallest value, "worst" the largest.</summary>
    public void EmitLowerIsBetter(string bench, string unit, double[] values, int iterations, int threads,
        params (string Key, object Value)[] fields) => Write(bench, unit, values, iterations, threads, lowerIsBetter: true, fields);

    private void Write(string bench, string unit, double[] values, int iterations, int threads, bool lowerIsBetter,
        (string Key, object Value)[] fields)
    {
        var sorted = lowerIsBetter ? values.OrderDescending().ToArray() : values.Order().ToArray();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("engine", "Fovea");
            w.WriteString("version", typeof(KernelThreads).Assembly.GetName().Version?.ToString(3));
            w.WriteString("bench", bench);
            foreach (var (key, value) in fields)
            {
                w.WritePropertyName(key);
                JsonSerializer.Serialize(w, value);
            }
            w.WriteNumber("threads", threads);
            w.WriteString("dotnet", Environment.Version.ToString());
            w.WriteNumber("iters_per_trial", iterations);
            w.WriteString("unit", unit);
            w.WriteNumber("best", sorted[^1]);
            w.WriteNumber("median", sorted[sorted.Length / 2]);
            w.WriteNumber("worst", sorted[0]);
            w.WriteStartArray("trials");
            foreach (double v in values)
                w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteString("time", DateTime.Now.ToString("yyyy-MM-ddTHH:mm:ss"));
            w.WriteEndObject();
        }
        Console.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        if (!jsonOnly)
        {
            string what = string.Join(" ", fields.Select(f => $"{f.Key}={f.Value}"));
            double best = sorted[^1], median = sorted[sorted.Length / 2];
            Console.Error.WriteLine($"{bench,-12} {what,-28} best {best,8:F1} median {median,8:F1} {unit}");
        }
    }
}
