using System.Text.RegularExpressions;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary>`fovea tune` with tiny limits: the final line, the report, and a rerun that resumes or reports.</summary>
[Collection("Console")]
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-tune-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Regex s_final = new(@"^trials_completed=(\d+) best_val_accuracy=([0-9.]+)$", RegexOptions.Multiline);

    [Fact]
    public void Tune_TinySearch_EndsWithTheSummaryLine_AndARerunRunsNothingMore()
    {
        string[] args = ["tune", "--space", "walkthrough", "--max-trials", "2", "--epochs", "1", "--limit", "40",
            "--seed", "0", "--strategy", "random", "--batch-size", "16", "--out", _dir];
        var (code, output, err) = CliHarness.Run(args);
        Assert.True(code == 0, err);
        var match = s_final.Match(output);
        Assert.True(match.Success, output);
        Assert.Equal("2", match.Groups[1].Value);
        double best = double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(best, 0, 1);
        Assert.EndsWith(match.Value, output.TrimEnd());
        Assert.Contains("trial", output);   // the live table's header
        Assert.True(File.Exists(Path.Combine(_dir, "report.html")));
        string journal = Path.Combine(_dir, "study", "journal.jsonl");
        int lines = File.ReadAllLines(journal).Length;

        var (code2, output2, _) = CliHarness.Run(args);
        Assert.Equal(0, code2);
        Assert.Equal(match.Value, s_final.Match(output2).Value);
        Assert.Equal(lines, File.ReadAllLines(journal).Length);   // nothing ran again
    }

    [Fact]
    public void Tune_OtherOptionsOnTheSameFolder_OneErrorLine()
    {
        string[] args = ["tune", "--max-trials", "1", "--epochs", "1", "--limit", "20", "--strategy", "random", "--out", _dir];
        Assert.Equal(0, CliHarness.Run(args).Code);
        var (code, _, err) = CliHarness.Run(["tune", "--max-trials", "1", "--epochs", "2", "--limit", "20", "--strategy", "random", "--out", _dir]);
        CliHarness.AssertOneErrorLine(code, err, "holds a study with other options");
    }
}
