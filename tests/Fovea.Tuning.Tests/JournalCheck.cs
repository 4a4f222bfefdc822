using System.Text.Json.Nodes;
using Xunit;

namespace Fovea.Tuning.Tests;

/// <summary>Reads a study journal and checks its invariants: nothing lost, nothing run twice.</summary>
internal static class JournalCheck
{
    public static List<JsonObject> Events(string folder)
    {
        var path = Path.Combine(folder, "journal.jsonl");
        var result = new List<JsonObject>();
        if (!File.Exists(path))
            return result;
        foreach (var line in File.ReadAllText(path).Split('\n'))
        {
            try
            {
                if (line.Length > 0 && JsonNode.Parse(line) is JsonObject o)
                    result.Add(o);
            }
            catch (System.Text.Json.JsonException)
            {
                // a line cut by a kill
            }
        }
        return result;
    }

    /// <summary>
    /// Every trial is finished at most once, never started again once finished, always with the parameters it was
    /// first started with; returns the number of finished trials.
    /// </summary>
    public static int AssertConsistent(string folder)
    {
        var started = new Dictionary<int, string>();
        var finished = new HashSet<int>();
        foreach (var e in Events(folder))
        {
            string kind = (string)e["event"]!;
            if (kind == "study")
                continue;
            int n = (int)e["trial"]!;
            switch (kind)
            {
                case "started":
                    Assert.DoesNotContain(n, finished);
                    string p = e["params"]!.ToJsonString();
                    if (started.TryGetValue(n, out var first))
                        Assert.Equal(first, p);
                    started[n] = p;
                    break;
                case "finished":
                    Assert.True(finished.Add(n), $"trial {n} finished twice");
                    Assert.True(started.ContainsKey(n), $"trial {n} finished without starting");
                    var before = JsonNode.Parse(started[n])!.AsObject();
                    var after = e["params"]!.AsObject();
                    foreach (var (k, v) in before)
                        Assert.Equal(v!.ToJsonString(), after[k]!.ToJsonString());
                    break;
            }
        }
        return finished.Count;
    }
}
