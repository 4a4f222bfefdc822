using System.Text.Json.Nodes;
using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public sealed class StudyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fovea-study-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static void RunOne(Study study, Trial trial)
    {
        var hp = study.HyperParametersFor(trial);
        double y = Functions.Branin(hp);
        study.Report(trial, 1, y + 1);
        study.Tell(trial, y, values: hp.Values);
    }

    [Fact]
    public void Journal_OneJsonEventPerLine()
    {
        using (var study = new Study(new RandomSearchOracle(seed: 1), "loss", maxTrials: 4, directory: _folder))
            while (study.Ask() is { } t)
                RunOne(study, t);
        var events = JournalCheck.Events(_folder);
        Assert.Equal(File.ReadAllLines(Path.Combine(_folder, "journal.jsonl")).Length, events.Count);
        Assert.Equal("study", (string)events[0]["event"]!);
        Assert.Equal(4, events.Count(e => (string)e["event"]! == "started"));
        Assert.Equal(4, events.Count(e => (string)e["event"]! == "epoch"));
        Assert.Equal(4, events.Count(e => (string)e["event"]! == "finished"));
        Assert.Equal(4, JournalCheck.AssertConsistent(_folder));
    }

    [Fact]
    public void Resume_InterruptedTrialRerunWithItsParameters_FinishedOnesKept()
    {
        double firstScore;
        Dictionary<string, object> interrupted;
        using (var study = new Study(new RandomSearchOracle(seed: 2), "loss", maxTrials: 5, directory: _folder))
        {
            RunOne(study, study.Ask()!);
            firstScore = study.Trials[0].Score!.Value;
            var t = study.Ask()!;
            interrupted = t.Values.ToDictionary(kv => kv.Key, kv => kv.Value);
            study.Report(t, 1, 123.0);
            // "killed" here: disposed without Tell, its lease released as the OS does for a dead process
        }
        using (var study = new Study(new RandomSearchOracle(seed: 2), "loss", maxTrials: 5, directory: _folder))
        {
            Assert.Equal(1, study.FinishedCount);
            Assert.Equal(firstScore, study.Trials[0].Score);
            var again = study.Ask()!;
            Assert.Equal(1, again.Number);
            Assert.Equal(2, again.Attempt);
            Assert.True(Oracle.SameValues(interrupted, again.Values));
            Assert.Empty(again.IntermediateValues);   // the first attempt's epochs do not count
            RunOne(study, again);
            while (study.Ask() is { } t)
                RunOne(study, t);
            Assert.Equal(5, study.FinishedCount);
        }
        Assert.Equal(5, JournalCheck.AssertConsistent(_folder));
        // Reopening a finished study runs nothing.
        using (var study = new Study(new RandomSearchOracle(seed: 2), "loss", maxTrials: 5, directory: _folder))
            Assert.Null(study.Ask());
    }

    [Fact]
    public void Resume_SameSeed_ContinuesAsAnUninterruptedRun()
    {
        string other = _folder + "-b";
        try
        {
            using (var s = new Study(new TpeOracle(seed: 4, nStartupTrials: 3), "loss", maxTrials: 8, directory: _folder))
                while (s.Ask() is { } t)
                    RunOne(s, t);
            using (var s = new Study(new TpeOracle(seed: 4, nStartupTrials: 3), "loss", maxTrials: 4, directory: other))
                while (s.Ask() is { } t)
                    RunOne(s, t);
            using (var s = new Study(new TpeOracle(seed: 4, nStartupTrials: 3), "loss", maxTrials: 8, directory: other))
            {
                while (s.Ask() is { } t)
                    RunOne(s, t);
                using var whole = new Study(new TpeOracle(seed: 4, nStartupTrials: 3), "loss", maxTrials: 8, directory: _folder);
                Assert.Equal(whole.Trials.Select(t => t.Score), s.Trials.Select(t => t.Score));
            }
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void Journal_TornLastLine_IsSkipped_AndTheNextEventStartsOnANewLine()
    {
        using (var study = new Study(new RandomSearchOracle(seed: 3), "loss", maxTrials: 3, directory: _folder))
            RunOne(study, study.Ask()!);
        File.AppendAllText(Path.Combine(_folder, "journal.jsonl"), "{\"event\":\"finished\",\"trial\":7,\"sta");
        using (var study = new Study(new RandomSearchOracle(seed: 3), "loss", maxTrials: 3, directory: _folder))
        {
            Assert.Equal(1, study.FinishedCount);
            while (study.Ask() is { } t)
                RunOne(study, t);
        }
        Assert.Equal(3, JournalCheck.AssertConsistent(_folder));
        var lines = File.ReadAllLines(Path.Combine(_folder, "journal.jsonl"));
        Assert.Single(lines, l => l.EndsWith("\"sta", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_OtherStrategyOnTheSameFolder_Refused()
    {
        using (new Study(new RandomSearchOracle(seed: 1), "loss", maxTrials: 3, directory: _folder))
        {
        }
        Assert.Throws<InvalidOperationException>(() => new Study(new TpeOracle(seed: 1), "loss", 3, _folder));
    }

    [Fact]
    public void Lease_HeldTrialIsNotClaimedByAnotherWorker()
    {
        using var a = new Study(new RandomSearchOracle(seed: 5), "loss", maxTrials: 3, directory: _folder);
        using var b = new Study(new RandomSearchOracle(seed: 5), "loss", maxTrials: 3, directory: _folder);
        var ta = a.Ask()!;
        var tb = b.Ask()!;
        Assert.NotEqual(ta.Number, tb.Number);
        RunOne(a, ta);
        RunOne(b, tb);
        var tc = b.Ask()!;
        a.Refresh();
        Assert.Equal(TrialStatus.Running, a.Trials.Single(t => t.Number == tc.Number).Status);
        RunOne(b, tc);
        Assert.Null(a.Ask());   // the budget is spent: nothing more to run
        Assert.Equal(3, JournalCheck.AssertConsistent(_folder));
    }
}
