using System.Text.Json;
using Fovea.Tests.Data;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary><c>fovea evaluate-detections</c> on a pycocotools case (tests/data/coco-eval) and on bad input.</summary>
[Collection("Console")]
public sealed class EvaluateDetectionsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-evaldet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Case(int n, string file) =>
        Path.Combine(RepositoryData.Root, "tests", "data", "coco-eval", $"case_{n:D2}", file);

    [Fact]
    public void EvaluateDetections_CocoCase_PrintsOneJsonLineWithPycocotoolsStats()
    {
        var (code, output, err) = CliHarness.Run("evaluate-detections", "--gt", Case(7, "gt.json"),
            "--detections", Case(7, "dt.json"));
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var printed = JsonDocument.Parse(lines[0]);
        using var expected = JsonDocument.Parse(File.ReadAllText(Case(7, "expected.json")));
        Assert.Single(printed.RootElement.EnumerateObject());
        double[] got = [.. printed.RootElement.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble())];
        double[] want = [.. expected.RootElement.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(12, got.Length);
        for (int i = 0; i < 12; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= 1e-9, $"stats[{i}]: expected {want[i]:R}, got {got[i]:R}");
    }

    [Fact]
    public void EvaluateDetections_PerCategory_PrintsPycocotoolsPerCategoryAP()
    {
        var (code, output, err) = CliHarness.Run("evaluate-detections", "--gt", Case(0, "gt.json"),
            "--detections", Case(0, "dt.json"), "--per-category");
        Assert.True(code == 0, err);
        using var printed = JsonDocument.Parse(output.Trim());
        using var expected = JsonDocument.Parse(File.ReadAllText(Case(0, "expected.json")));
        foreach (var p in expected.RootElement.GetProperty("per_category_ap").EnumerateObject())
        {
            double got = printed.RootElement.GetProperty("per_category_ap").GetProperty(p.Name).GetDouble();
            Assert.True(Math.Abs(p.Value.GetDouble() - got) <= 1e-9, $"category {p.Name}");
        }
    }

    [Fact]
    public void EvaluateDetections_MissingFile_OneErrorLineNamingIt()
    {
        string missing = Path.Combine(_dir, "nowhere.json");
        var (code, _, err) = CliHarness.Run("evaluate-detections", "--gt", missing, "--detections", Case(0, "dt.json"));
        CliHarness.AssertOneErrorLine(code, err, "nowhere.json");
    }

    [Fact]
    public void EvaluateDetections_MalformedJson_OneErrorLineNamingTheFile()
    {
        string broken = Path.Combine(_dir, "broken-dt.json");
        File.WriteAllText(broken, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3");
        var (code, _, err) = CliHarness.Run("evaluate-detections", "--gt", Case(0, "gt.json"), "--detections", broken);
        CliHarness.AssertOneErrorLine(code, err, "broken-dt.json");
    }
}
