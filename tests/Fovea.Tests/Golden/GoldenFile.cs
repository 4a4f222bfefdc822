using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// One PyTorch golden file of <c>tests/golden/</c>, written by <c>tools/golden/make_golden.py</c>: tensors named
/// "caseNN.what" and, in the metadata, each case's parameters as a JSON string under "caseNN". Comparisons go through
/// <see cref="TensorAssert.Close"/> and log the largest difference of every tensor to the test output.
/// </summary>
internal sealed class GoldenFile
{
    private readonly Dictionary<string, Tensor> _tensors = [];
    private readonly IReadOnlyDictionary<string, string> _metadata;

    private GoldenFile(string name)
    {
        Name = name;
        var (tensors, metadata) = Safetensors.Load(PathOf(name));
        foreach (var (key, t) in tensors)
            _tensors[key] = t;
        _metadata = metadata;
    }

    /// <summary>The file's name without extension ("conv2d").</summary>
    public string Name { get; }

    /// <summary>"case00", "case01", ... as the metadata's case count says.</summary>
    public IEnumerable<string> Cases => Enumerable.Range(0, int.Parse(_metadata["cases"])).Select(i => $"case{i:D2}");

    /// <summary>The torch version that wrote the file.</summary>
    public string TorchVersion => _metadata["torch_version"];

    /// <summary>Where the test output should go (null: nowhere).</summary>
    public ITestOutputHelper? Output { get; set; }

    public static GoldenFile Load(string name, ITestOutputHelper? output = null) => new(name) { Output = output };

    /// <summary>The case names of file <paramref name="name"/>, for [MemberData].</summary>
    public static TheoryData<string> CaseData(string name) => new(Load(name).Cases);

    /// <summary>Path of a golden file: the copy beside the test binaries, else tests/golden/.</summary>
    public static string PathOf(string name)
    {
        string file = name + ".safetensors";
        string beside = Path.Combine(AppContext.BaseDirectory, "golden", file);
        if (File.Exists(beside))
            return beside;
        string repo = Path.Combine(Data.RepositoryData.Root, "tests", "golden", file);
        if (File.Exists(repo))
            return repo;
        throw new FileNotFoundException(
            $"golden file '{file}' is neither in {Path.GetDirectoryName(beside)} " +
            $"nor in {Path.GetDirectoryName(repo)}; " +
            "regenerate with /usr/bin/python3 tools/golden/make_golden.py");
    }

    /// <summary>The parameters of <paramref name="caseName"/> (or any other JSON metadata entry).</summary>
    public JsonObject Params(string caseName) => (JsonObject)Json(caseName);

    /// <summary>A metadata entry parsed as JSON.</summary>
    public JsonNode Json(string key) => JsonNode.Parse(_metadata[key])!;

    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>A fresh copy of tensor <paramref name="name"/> (never the file's own storage).</summary>
    public Tensor Get(string name)
    {
        if (!_tensors.TryGetValue(name, out var t))
            throw new KeyNotFoundException($"golden file '{Name}' has no tensor '{name}'");
        return Tensor.Wrap(t.ToArray(), t.Shape);
    }

    /// <summary>A fresh copy that requires a gradient (an input of the op under test).</summary>
    public Tensor Input(string name)
    {
        var t = Get(name);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with the golden <paramref name="name"/>: same shape, and every element
    /// within atol + rtol·|expected|. Logs the largest difference and the tolerance.
    /// </summary>
    public void Close(string name, Tensor? actual, double atol, double rtol) => Close(name, actual, _ => atol, rtol);

    /// <summary>As above with an absolute tolerance per element (the log shows the largest one).</summary>
    public void Close(string name, Tensor? actual, Func<int, double> atolAt, double rtol)
    {
        Assert.True(actual is not null, $"{Name} {name}: Fovea produced no tensor (no gradient?)");
        var expected = _tensors.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"{Name} has no '{name}'");
        Assert.True(expected.Shape == actual!.Shape,
            $"{Name} {name}: expected shape {expected.Shape}, got {actual.Shape}");
        double atol = Enumerable.Range(0, expected.Length).Max(atolAt);
        Output?.WriteLine($"{Name} {name}: maxdiff {MaxDiff(expected.AsReadOnlySpan(), actual.AsReadOnlySpan()):G3} " +
            $"(atol {atol:G3}, rtol {rtol:G3}, max|expected| {MaxAbs(expected.AsReadOnlySpan()):G3})");
        TensorAssert.Close(expected.AsReadOnlySpan(), actual.AsReadOnlySpan(), atolAt, rtol, $"{Name} {name}");
    }

    /// <summary>Largest absolute value of tensor <paramref name="name"/> (the scale of a tolerance).</summary>
    public double MaxAbs(string name) => MaxAbs(_tensors[name].AsReadOnlySpan());

    private static double MaxAbs(ReadOnlySpan<float> v)
    {
        double m = 0;
        foreach (float f in v)
            m = Math.Max(m, Math.Abs(f));
        return m;
    }

    private static double MaxDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double m = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }
}
