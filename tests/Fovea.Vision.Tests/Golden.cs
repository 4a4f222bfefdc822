using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests;

/// <summary>
/// One golden file of <c>tests/golden/</c> (written by a script of <c>tools/golden/</c>), read with the public
/// <see cref="Safetensors"/> reader: tensors by name, JSON metadata (each case's parameters under "caseNN", with the op
/// under "op"), and a comparison that logs the largest difference. Found by walking up from the test binaries to the
/// folder holding <c>Fovea.sln</c>, as Fovea.Tests does. A file is read once; <see cref="Load"/> with an output
/// helper gives a view that logs to it.
/// </summary>
internal sealed class Golden
{
    private static readonly Dictionary<string, (Dictionary<string, Tensor> Tensors,
        IReadOnlyDictionary<string, string> Metadata)> s_cache = [];

    private readonly Dictionary<string, Tensor> _tensors;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly ITestOutputHelper? _output;

    private Golden(string name, ITestOutputHelper? output)
    {
        Name = name;
        lock (s_cache)
        {
            if (!s_cache.TryGetValue(name, out var file))
            {
                var (tensors, metadata) = Safetensors.Load(PathOf(name));
                file = (tensors.ToDictionary(kv => kv.Key, kv => kv.Value), metadata);
                s_cache[name] = file;
            }
            (_tensors, _metadata) = file;
        }
        _output = output;
    }

    public string Name { get; }

    /// <summary>The repository root: the nearest parent of the test binaries holding Fovea.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string name) => Path.Combine(Root, "tests", "golden", name + ".safetensors");

    /// <summary>Golden file <paramref name="name"/>; comparisons log to <paramref name="output"/> when given.</summary>
    public static Golden Load(string name, ITestOutputHelper? output = null) => new(name, output);

    /// <summary>Case names whose "op" is <paramref name="op"/>, for [MemberData].</summary>
    public static TheoryData<string> CasesOf(string name, string op)
    {
        var g = Load(name);
        var data = new TheoryData<string>();
        for (int i = 0; i < int.Parse(g._metadata["cases"]); i++)
        {
            string c = $"case{i:D2}";
            if (g.Params(c)["op"]!.GetValue<string>() == op)
                data.Add(c);
        }
        return data;
    }

    /// <summary>The first case whose "op" is <paramref name="op"/>.</summary>
    public static string FirstCase(string name, string op) =>
        (string)((IEnumerable<object[]>)CasesOf(name, op)).First()[0];

    public JsonObject Params(string c) => Json(c);

    public string Meta(string key) => _metadata[key];

    public JsonObject Json(string key) => (JsonObject)JsonNode.Parse(_metadata[key])!;

    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>A fresh copy of tensor <paramref name="name"/>.</summary>
    public Tensor Get(string name) =>
        _tensors.TryGetValue(name, out var t)
            ? Tensor.Wrap(t.ToArray(), t.Shape)
            : throw new KeyNotFoundException($"golden '{Name}' has no tensor '{name}'");

    /// <summary>A fresh copy that requires a gradient.</summary>
    public Tensor Input(string name)
    {
        var t = Get(name);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>The integers stored (as float32) in tensor <paramref name="name"/>.</summary>
    public int[] Ints(string name) => _tensors[name].ToArray().Select(v => (int)v).ToArray();

    /// <summary>The largest absolute value of tensor <paramref name="name"/>.</summary>
    public double MaxAbs(string name) => _tensors[name].ToArray().Max(v => Math.Abs((double)v));

    /// <summary>Same shape, and every element within atol + rtol·|expected| (NaN matches NaN); logs the largest
    /// difference to <paramref name="output"/>, or to the helper given to <see cref="Load"/>.</summary>
    public void Close(string name, Tensor? actual, double atol, double rtol = 0, ITestOutputHelper? output = null)
    {
        Assert.True(actual is not null, $"{Name} {name}: no tensor (no gradient?)");
        var expected = _tensors[name];
        Assert.True(expected.Shape == actual!.Shape,
            $"{Name} {name}: expected shape {expected.Shape}, got {actual.Shape}");
        var e = expected.AsReadOnlySpan();
        var a = actual.AsReadOnlySpan();
        double max = 0;
        int worst = -1;
        for (int i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i]) && float.IsNaN(a[i]))
                continue;
            double d = Math.Abs((double)e[i] - a[i]);
            if (double.IsNaN(d) || d > atol + rtol * Math.Abs(e[i]))
            {
                Assert.Fail($"{Name} {name}: element {i} expected {e[i]:G9}, got {a[i]:G9} " +
                    $"(atol {atol:G3}, rtol {rtol:G3})");
            }
            if (d > max)
            {
                max = d;
                worst = i;
            }
        }
        (output ?? _output)?.WriteLine($"{Name} {name}: maxdiff {max:G3} at {worst} (atol {atol:G3}, rtol {rtol:G3})");
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
