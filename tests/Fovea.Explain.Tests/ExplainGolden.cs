using Fovea.IO;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Explain.Tests;

/// <summary>
/// tests/golden/explain.safetensors (written by tools/golden/make_explain_golden.py) and the small CNN it describes,
/// built in Fovea with the stored weights.
/// </summary>
internal static class ExplainGolden
{
    private static readonly Lazy<(Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Meta)>
        s_file = new(() =>
        {
            var (t, m) = Safetensors.Load(PathOf("explain"));
            return (new Dictionary<string, Tensor>(t), m);
        });

    public static int Target => int.Parse(s_file.Value.Meta["target"]);

    public static int Steps => int.Parse(s_file.Value.Meta["steps"]);

    /// <summary>A copy of tensor <paramref name="name"/>.</summary>
    public static Tensor Get(string name) =>
        s_file.Value.Tensors.TryGetValue(name, out var t) ? Tensor.Wrap(t.ToArray(), t.Shape)
            : throw new KeyNotFoundException($"explain.safetensors has no '{name}'");

    /// <summary>tests/golden/&lt;name&gt;.safetensors from the repository root (the folder holding Fovea.sln).
    /// </summary>
    public static string PathOf(string name) => Path.Combine(RepositoryRoot, "tests", "golden", name + ".safetensors");

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fovea.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no parent of '{AppContext.BaseDirectory}' holds Fovea.sln");
    }

    /// <summary>
    /// The script's CNN: conv1 3→4, ReLU, max pool 2, conv2 4→6, ReLU ("relu2"), global average pooling, fc 6→5.
    /// With <paramref name="fused"/>, each ReLU is the convolution's activation instead of a layer of its own (the
    /// conv2 layer is then named "relu2", so the same layer name reaches the same tensor). With
    /// <paramref name="softmax"/>, fc has a softmax activation (the logits explained are still those before it).
    /// </summary>
    public static Model SmallCnn(bool fused = false, bool softmax = false)
    {
        var layers = fused
            ? new List<Layer>
            {
                new Conv2D(4, 3, padding: Padding.Same, activation: Activations.Relu, name: "conv1"),
                new MaxPooling2D(2, name: "pool"),
                new Conv2D(6, 3, padding: Padding.Same, activation: Activations.Relu, name: "relu2"),
            }
            : new List<Layer>
            {
                new Conv2D(4, 3, padding: Padding.Same, name: "conv1"), new ReLU(name: "relu1"),
                new MaxPooling2D(2, name: "pool"),
                new Conv2D(6, 3, padding: Padding.Same, name: "conv2"), new ReLU(name: "relu2"),
            };
        layers.Add(new GlobalAveragePooling2D(name: "gap"));
        layers.Add(new Dense(5, softmax ? Activations.Softmax : null, name: "fc"));
        var model = new Sequential(layers, "small_cnn", inputShape: [3, 8, 8]);
        var convs = layers.OfType<Conv2D>().ToArray();
        Set(convs[0].Kernel, "conv1.weight");
        Set(convs[0].Bias!, "conv1.bias");
        Set(convs[1].Kernel, "conv2.weight");
        Set(convs[1].Bias!, "conv2.bias");
        var fc = (Dense)layers[^1];
        Set(fc.Kernel, "fc.weight");
        Set(fc.Bias!, "fc.bias");
        return model;
    }

    private static void Set(Tensor p, string name)
    {
        var src = Get(name);
        Assert.Equal(src.Shape, p.Shape);
        src.AsReadOnlySpan().CopyTo(p.AsSpan());
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere and logs the largest difference.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, float atol, float rtol, string what,
        ITestOutputHelper? output = null)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.AsReadOnlySpan();
        var a = actual.AsReadOnlySpan();
        float maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < e.Length; i++)
        {
            float d = Math.Abs(a[i] - e[i]);
            if (float.IsNaN(a[i]) || d > atol + rtol * Math.Abs(e[i]))
                worst = worst < 0 ? i : worst;
            maxDiff = Math.Max(maxDiff, d);
        }
        output?.WriteLine($"{what}: max |diff| {maxDiff:G3} over {e.Length} values");
        Assert.True(worst < 0, $"{what}: element {worst} is {(worst < 0 ? 0 : a[worst])}, expected " +
            $"{(worst < 0 ? 0 : e[worst])} (atol {atol}, rtol {rtol}); max |diff| {maxDiff:G3}");
    }
}
