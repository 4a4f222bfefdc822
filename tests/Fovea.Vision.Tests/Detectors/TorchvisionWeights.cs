using Fovea.Tensors;

namespace Fovea.Vision.Tests.Detectors;

/// <summary>
/// The counter-based weight generator of <c>tools/golden/make_zoo_golden.py</c> (used by
/// <c>make_detectors_golden.py</c>), bit for bit: every state-dict tensor is a function of its PyTorch name (FNV-1a 64
/// of the name, splitmix64 of name hash + (i + 1)·golden ratio, the top 24 bits as u in [0, 1)), scaled by the name's
/// last part. The same generator as Fovea.Tests' ZooWeights (this project does not reference Fovea.Tests).
/// </summary>
internal static class TorchvisionWeights
{
    private const ulong GoldenRatio = 0x9E3779B97F4A7C15;

    private static ulong Fnv1a(string name)
    {
        ulong h = 0xCBF29CE484222325;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(name))
            h = (h ^ b) * 0x100000001B3;
        return h;
    }

    /// <summary>u_i: uniform in [0, 1) with 24 random bits (exact in float and double).</summary>
    private static double Uniform(ulong hash, long i)
    {
        ulong z = hash + (ulong)(i + 1) * GoldenRatio;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (z >> 40) / (double)(1 << 24);
    }

    /// <summary>The tensor the scripts generate for state-dict entry <paramref name="name"/>.</summary>
    public static Tensor Generate(string name, Shape shape)
    {
        string leaf = name[(name.LastIndexOf('.') + 1)..];
        var values = new float[shape.Length];
        if (leaf == "num_batches_tracked")
        {
            values.AsSpan().Fill(100);
            return Tensor.Wrap(values, shape);
        }
        (double Offset, double Scale, bool Symmetric) rule = leaf switch
        {
            "running_var" => (0.5, 1, false),
            "running_mean" => (0, 0.2, true),
            "bias" => (0, 0.1, true),
            "weight" when shape.Rank == 1 => (0.5, 1, false),
            "weight" => (0, Math.Sqrt(3.0 / (shape.Length / shape[0])), true),
            _ => throw new ArgumentException($"no generator rule for '{name}' {shape}"),
        };
        ulong h = Fnv1a(name);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rule.Symmetric ? (float)((2.0 * Uniform(h, i) - 1.0) * rule.Scale)
                : (float)(rule.Offset + Uniform(h, i));
        }
        return Tensor.Wrap(values, shape);
    }

    /// <summary>A generated image named <paramref name="name"/>: values u in [0, 1).</summary>
    public static Tensor Image(string name, Shape shape)
    {
        ulong h = Fnv1a(name);
        var values = new float[shape.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)Uniform(h, i);
        return Tensor.Wrap(values, shape);
    }
}
