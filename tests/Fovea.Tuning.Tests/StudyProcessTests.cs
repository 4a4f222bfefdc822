using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace Fovea.Tuning.Tests;

/// <summary>
/// Studies shared by real processes (tests/Fovea.Tuning.TestHost, started with dotnet exec): killed with SIGKILL at
/// random moments and resumed, and run by two workers at once. The journal must record every trial exactly once.
/// </summary>
public sealed class StudyProcessTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fovea-study-proc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static string HostPath()
    {
        string config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}",
            StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string p = Path.Combine(dir.FullName, "tests", "Fovea.Tuning.TestHost", "bin", config, "net10.0", "Fovea.Tuning.TestHost.dll");
            if (File.Exists(p))
                return p;
        }
        throw new FileNotFoundException("Fovea.Tuning.TestHost.dll not built (it is a project reference of this test project)");
    }

    private Process Start(int maxTrials, int epochMs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", HostPath(), _folder, maxTrials.ToString(), "3", epochMs.ToString(), "tpe" })
            info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [Fact]
    public void Kill_AtRandomMoments_ResumesWithNoTrialLostOrRepeated()
    {
        const int maxTrials = 12;
        var rng = new Random(11);
        int kills = 0;
        for (int round = 0; round < 6; round++)
        {
            using var p = Start(maxTrials, epochMs: 15);
            Thread.Sleep(rng.Next(150, 600));   // dotnet startup takes ~100-200 ms: some kills land before any trial
            if (p.HasExited)
                break;
            p.Kill(entireProcessTree: true);   // SIGKILL
            p.WaitForExit();
            kills++;
            JournalCheck.AssertConsistent(_folder);   // after every kill, the journal is consistent
        }
        using (var last = Start(maxTrials, epochMs: 1))
        {
            Assert.True(last.WaitForExit(60_000));
            Assert.Equal(0, last.ExitCode);
        }
        Assert.Equal(maxTrials, JournalCheck.AssertConsistent(_folder));
        var finished = JournalCheck.Events(_folder).Where(e => (string)e["event"]! == "finished").Select(e => (int)e["trial"]!).Order();
        Assert.Equal(Enumerable.Range(0, maxTrials), finished);
        Assert.True(kills >= 3, $"only {kills} kills landed");
    }

    [Fact]
    public void TwoWorkers_ShareOneStudy_EveryTrialRecordedOnce()
    {
        const int maxTrials = 16;
        using var a = Start(maxTrials, epochMs: 5);
        using var b = Start(maxTrials, epochMs: 5);
        Assert.True(a.WaitForExit(60_000) && b.WaitForExit(60_000));
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(maxTrials, JournalCheck.AssertConsistent(_folder));
        var events = JournalCheck.Events(_folder);
        var finished = events.Where(e => (string)e["event"]! == "finished").Select(e => (int)e["trial"]!).Order().ToList();
        Assert.Equal(Enumerable.Range(0, maxTrials), finished);
        // Both workers ran trials (the journal names the worker of each start).
        var workers = events.Where(e => (string)e["event"]! == "started").Select(e => (string)e["worker"]!).Distinct().Count();
        Assert.Equal(2, workers);
    }
}
