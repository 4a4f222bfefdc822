using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests;

/// <summary>
/// One golden file of <c>tests/golden/</c> (found from the test binaries by walking up to <c>Fovea.sln</c>), read with
/// the public <see cref="Safetensors"/> reader: tensors by name, JSON metadata, and a comparison that logs the
/// largest difference.
/// </summary>
internal sealed class Golden
{
    private readonly Dictionary<string, Tensor> _tensors = [];
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly ITestOutputHelper? _output;

    private Golden(string name, ITestOutputHelper? output)
    {
        var (tensors, metadata) = Safetensors.Load(PathOf(name));
        foreach (var (key, t) in tensors)
            _tensors[key] = t;
        _metadata = metadata;
        _output = output;
    }

    public static Golden Load(string name, ITestOutputHelper? output = null) => new(name, output);

    /// <summary>The repository root: the nearest parent of the test binaries holding <c>Fovea.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string name) => Path.Combine(Root, "tests", "golden", name + ".safetensors");

    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>A fresh copy of tensor <paramref name="name"/>.</summary>
    public Tensor Get(string name) => _tensors.TryGetValue(name, out var t)
        ? Tensor.Wrap(t.ToArray(), t.Shape)
        : throw new KeyNotFoundException($"golden has no tensor '{name}'");

    public string Meta(string key) => _metadata[key];

    public JsonObject Json(string key) => (JsonObject)JsonNode.Parse(_metadata[key])!;

    public double MaxAbs(string name) => _tensors[name].ToArray().Max(v => Math.Abs((double)v));

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise; logs the largest difference.
    /// </summary>
    public void Close(string name, Tensor actual, double atol, double rtol = 0) =>
        AssertClose(name, _tensors[name], actual, atol, rtol, _output);

    public static void AssertClose(string name, Tensor expected, Tensor actual, double atol, double rtol,
        ITestOutputHelper? output)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        output?.WriteLine($"{name}: max |diff| {MaxDiff(e, a):E3} (atol {atol:E2}, rtol {rtol:E2})");
        for (int i = 0; i < e.Length; i++)
        {
            double d = Math.Abs((double)a[i] - e[i]);
            Assert.False(float.IsNaN(a[i]), $"{name}: NaN at element {i}");
            if (d > atol + rtol * Math.Abs(e[i]))
            {
                Assert.Fail($"{name}: element {i} is {a[i]}, expected {e[i]} " +
                    $"(|diff| {d:E3} > {atol + rtol * Math.Abs(e[i]):E3})");
            }
        }
    }

    private static double MaxDiff(float[] e, float[] a)
    {
        double m = 0;
        for (int i = 0; i < e.Length; i++)
            m = Math.Max(m, Math.Abs((double)a[i] - e[i]));
        return m;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fovea.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no parent of '{AppContext.BaseDirectory}' holds Fovea.sln");
    }
}
