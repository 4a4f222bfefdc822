using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests;

/// <summary>
/// One golden file of <c>tests/golden/</c> (written by a script of <c>tools/golden/</c>): tensors "caseNN.what" and,
/// in the metadata, each case's parameters as JSON under "caseNN" (with the op under "op"). Found by walking up from
/// the test binaries to the folder holding <c>Fovea.sln</c>, as Fovea.Tests does.
/// </summary>
internal sealed class Golden
{
    private static readonly Dictionary<string, Golden> s_cache = [];
    private readonly Dictionary<string, Tensor> _tensors = [];
    private readonly IReadOnlyDictionary<string, string> _metadata;

    private Golden(string name)
    {
        Name = name;
        var (tensors, metadata) = Safetensors.Load(Path.Combine(Root, "tests", "golden", name + ".safetensors"));
        foreach (var (k, t) in tensors)
            _tensors[k] = t;
        _metadata = metadata;
    }

    public string Name { get; }

    /// <summary>The repository root: the nearest parent of the test binaries holding Fovea.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static Golden Load(string name)
    {
        lock (s_cache)
        {
            if (!s_cache.TryGetValue(name, out var g))
                s_cache[name] = g = new Golden(name);
            return g;
        }
    }

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

    public JsonObject Params(string c) => (JsonObject)JsonNode.Parse(_metadata[c])!;

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

    /// <summary>Same shape, and every element within atol + rtol·|expected| (NaN matches NaN); logs the largest
    /// difference.</summary>
    public void Close(string name, Tensor? actual, double atol, double rtol, ITestOutputHelper? output = null)
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
        output?.WriteLine($"{Name} {name}: maxdiff {max:G3} at {worst} (atol {atol:G3}, rtol {rtol:G3})");
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
