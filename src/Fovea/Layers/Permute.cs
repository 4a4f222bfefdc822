using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Reorders the axes of each sample (Keras <c>Permute</c>): <see cref="Dims"/> is a permutation of 1..k for a
/// sample of k axes (1-based, the batch axis 0 stays first), and output axis i is input axis Dims[i − 1].
/// E.g. <c>new Permute([2, 3, 1])</c> turns NCHW [N, C, H, W] into [N, H, W, C], and <c>new Permute([2, 1])</c>
/// swaps the two sample axes of [N, T, D]. The result is a copy.
/// </summary>
[RegisterLayer]
public sealed class Permute : Layer
{
    public Permute(int[] dims, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length == 0 || !dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException($"Permute: dims must be a permutation of 1..{dims.Length} (1-based sample " +
                $"axes), received [{string.Join(", ", dims)}]", nameof(dims));
        Dims = dims.ToArray();
    }

    /// <summary>1-based sample axes in their new order.</summary>
    public IReadOnlyList<int> Dims { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) =>
        inputShape.Rank == Dims.Count + 1 ? new Shape([inputShape[0], .. Dims.Select(d => inputShape[d])]) : (Shape?)null;

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Dims.Count + 1)
        {
            var axes = Enumerable.Range(1, Dims.Count).Select(d => $"d{d}");
            throw ShapeError($"a batch of rank {Dims.Count + 1} [N, {string.Join(", ", axes)}]", x.Shape);
        }
        return Functional.Permute(x, [0, .. Dims]);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["dims"] = new JsonArray(Dims.Select(d => (JsonNode)d).ToArray());
        return c;
    }

    public static Permute FromConfig(JsonObject c) => LayerConfig.Common(new Permute(
        c["dims"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray(), LayerConfig.Name(c)), c);
}
