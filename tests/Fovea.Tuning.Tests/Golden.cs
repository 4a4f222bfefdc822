using System.Text.Json.Nodes;

namespace Fovea.Tuning.Tests;

/// <summary>Finds tests/golden/ by walking up from the test binaries (the repository layout, as Fovea.Tests does).</summary>
internal static class Golden
{
    public static string Path(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "golden", file);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"golden file '{file}' not found in tests/golden above {AppContext.BaseDirectory}");
    }

    public static JsonObject Json(string file) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path(file)))!;

    public static double[] Doubles(JsonNode? n) => n!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    public static double[][] Matrix(JsonNode? n) => n!.AsArray().Select(Doubles).ToArray();
}
