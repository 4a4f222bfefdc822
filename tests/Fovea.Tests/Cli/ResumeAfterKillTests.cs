using System.Diagnostics;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary>
/// The resume check, with real processes: `fovea train` killed with SIGKILL at a random moment and then
/// resumed with --resume ends with exactly the weights of an uninterrupted run (same options, same thread count).
/// </summary>
[Collection("Console")]
public sealed class ResumeAfterKillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] s_options =
        ["--epochs", "4", "--limit", "768", "--batch-size", "64", "--seed", "3", "--validation-split", "0.25"];

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fovea.Cli.dll"));
        info.ArgumentList.Add("train");
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["FOVEA_NUM_THREADS"] = "2";
        return Process.Start(info)!;
    }

    private static (int Code, string Output) RunToEnd(params string[] args)
    {
        using var p = Start(args);
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void KilledRunResumed_HasExactlyTheWeightsOfAnUninterruptedRun()
    {
        string full = Path.Combine(_dir, "full"), killed = Path.Combine(_dir, "killed");
        var clock = Stopwatch.StartNew();
        var (code, output) = RunToEnd([.. s_options, "--out", full]);
        Assert.True(code == 0, output);
        double seconds = clock.Elapsed.TotalSeconds;

        // Kill at 60% of the uninterrupted run's wall time (after a checkpoint or two). The step it lands on still
        // varies from run to run with the machine's load; the fraction itself is fixed so a failure can be replayed.
        double at = seconds * 0.6;
        using (var p = Start([.. s_options, "--out", killed]))
        {
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(at)))
            {
                p.Kill(entireProcessTree: true); // SIGKILL
                p.WaitForExit();
            }
        }
        (code, output) = RunToEnd("--resume", killed);
        Assert.True(code == 0, output);

        var expected = File.ReadAllBytes(Path.Combine(full, "model.safetensors"));
        var actual = File.ReadAllBytes(Path.Combine(killed, "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"weights differ after a kill at {at:F1} s of {seconds:F1} s\n{output}");
        Assert.Equal(File.ReadAllText(Path.Combine(full, "history.csv")), File.ReadAllText(Path.Combine(killed, "history.csv")));
        Assert.Empty(Directory.GetFiles(killed, ".checkpoint.safetensors.*.tmp")); // a kill mid-write leaves one; resume removes it
    }

    [Fact]
    public void Resume_FolderWithoutRun_OneErrorLine()
    {
        var (code, output) = RunToEnd("--resume", _dir);
        Assert.NotEqual(0, code);
        Assert.Contains("train.json", output);
        Assert.DoesNotContain("   at ", output);
    }
}
