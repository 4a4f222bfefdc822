using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Tests.Models;

/// <summary>
/// The counter-based weight generator of <c>tools/golden/make_zoo_golden.py</c>, bit for bit: every tensor of a
/// state dict is a function of its PyTorch name (FNV-1a 64 of the name, splitmix64 of name hash + (i + 1)·golden
/// ratio, the top 24 bits as u in [0, 1)), scaled by the name's last part (see the script's docstring). So the zoo
/// goldens need not store the weights of 60-million-parameter models.
/// </summary>
internal static class ZooWeights
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    public static ulong Fnv1a(string name)
    {
        ulong h = 0xCBF29CE484222325;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(name))
            h = (h ^ b) * 0x100000001B3;
        return h;
    }

    /// <summary>u_i, i in [0, n): uniform in [0, 1) with 24 random bits (exact in float and double).</summary>
    public static double Uniform(ulong hash, long i)
    {
        ulong z = hash + (ulong)(i + 1) * Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (z >> 40) / (double)(1 << 24);
    }

    /// <summary>The tensor the script generates for state-dict entry <paramref name="name"/> of
    /// <paramref name="shape"/>.</summary>
    public static Tensor Generate(string name, Shape shape)
    {
        string leaf = name[(name.LastIndexOf('.') + 1)..];
        var values = new float[shape.Length];
        if (leaf == "num_batches_tracked")
        {
            values.AsSpan().Fill(100);
            return Tensor.Wrap(values, shape);
        }
        // The same float64 expressions as the script, so that every value rounds identically.
        (double Offset, double Scale, bool Symmetric) rule = leaf switch
        {
            "running_var" => (0.5, 1, false),
            "running_mean" => (0, 0.2, true),
            "bias" => (0, 0.1, true),
            "weight" when shape.Rank == 1 => (0.5, 1, false),
            "layer_scale" => (0.5, 1, false),
            "relative_position_bias_table" => (0, 0.5, true),
            "weight" => (0, Math.Sqrt(3.0 / (shape.Length / shape[0])), true),
            _ => throw new ArgumentException($"no generator rule for '{name}' {shape}"),
        };
        ulong h = Fnv1a(name);
        if (rule.Symmetric)
        {
            // 0.2 · (2u − 1) in the script is the same IEEE product as (2u − 1) · 0.2.
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)((2.0 * Uniform(h, i) - 1.0) * rule.Scale);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(rule.Offset + Uniform(h, i));
        }
        return Tensor.Wrap(values, shape);
    }

    /// <summary>The generated input "input.S": [1, 3, S, S] with values 2u − 1.</summary>
    public static Tensor Input(int size) => Input($"input.{size}", [1, 3, size, size]);

    /// <summary>A generated input named <paramref name="name"/> of <paramref name="shape"/>: values 2u − 1.</summary>
    public static Tensor Input(string name, Shape shape)
    {
        ulong h = Fnv1a(name);
        var values = new float[shape.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(2.0 * Uniform(h, i) - 1.0);
        return Tensor.Wrap(values, shape);
    }

    /// <summary>A generated image named <paramref name="name"/> of <paramref name="shape"/>: values u in [0, 1), as the
    /// detector goldens' images (<c>make_detectors_golden.py</c>).</summary>
    public static Tensor Image(string name, Shape shape)
    {
        ulong h = Fnv1a(name);
        var values = new float[shape.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)Uniform(h, i);
        return Tensor.Wrap(values, shape);
    }

    /// <summary>The generated clip "clip.T.S": [1, 3, T, S, S] with values 2u − 1.</summary>
    public static Tensor Clip(int frames, int size)
    {
        ulong h = Fnv1a($"clip.{frames}.{size}");
        var values = new float[3 * frames * size * size];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(2.0 * Uniform(h, i) - 1.0);
        return Tensor.Wrap(values, [1, 3, frames, size, size]);
    }

    /// <summary>A generated state dict for every entry of <paramref name="model"/>. MaxViT's relative_position_index
    /// is not generated: the script keeps torchvision's buffer, and this keeps the model's own (a wrong index would
    /// show in the outputs).</summary>
    public static List<KeyValuePair<string, Tensor>> For(Model model) =>
        model.StateDictEntries().Select(e => new KeyValuePair<string, Tensor>(e.Name,
            e.Name.EndsWith(".relative_position_index", StringComparison.Ordinal)
                ? Tensor.Wrap(e.Weight.ToArray(), e.Shape)
                : Generate(e.Name, e.Shape))).ToList();
}
