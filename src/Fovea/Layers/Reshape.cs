using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Gives each sample a new shape (Keras <c>Reshape</c>): [N, ...] → [N, ...<see cref="TargetShape"/>], the same
/// elements in the same (row-major) order, as a view. One entry of the target may be −1 and is inferred from the
/// sample size. In NCHW code, the SE block's <c>reshape(se, [-1, 1, 1, C])</c> of channels-last Keras is
/// <c>new Reshape([C, 1, 1])</c>, which turns [N, C] into [N, C, 1, 1] to broadcast against [N, C, H, W].
/// </summary>
[RegisterLayer]
public sealed class Reshape : Layer
{
    public Reshape(int[] targetShape, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d < -1 || d == 0))
            throw new ArgumentException($"Reshape: the target shape must hold positive sizes and at most one -1, " +
                $"received [{string.Join(", ", targetShape)}]", nameof(targetShape));
        TargetShape = targetShape.ToArray();
    }

    /// <summary>The shape of one sample after the layer (without the batch axis); may hold one −1.</summary>
    public IReadOnlyList<int> TargetShape { get; }

    /// <summary>
    /// The per-sample target shape for samples of <paramref name="sampleLength"/> elements, with its −1 resolved, or
    /// null when such samples cannot be reshaped to it. Shape inference, the call and the ONNX export all use it.
    /// </summary>
    public int[]? TargetShapeFor(int sampleLength)
    {
        int known = TargetShape.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
        bool infer = TargetShape.Contains(-1);
        if (infer ? known == 0 || sampleLength % known != 0 : known != sampleLength)
            return null;
        return TargetShape.Select(d => d == -1 ? sampleLength / known : d).ToArray();
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank < 1 || inputShape[0] == 0)
            return null;
        int[]? target = TargetShapeFor(inputShape.Length / inputShape[0]);
        // null: the call runs the layer, which reports the error
        return target is null ? (Shape?)null : new Shape([inputShape[0], .. target]);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 1)
            throw ShapeError("[N, ...]", x.Shape);
        int n = x.Shape[0];
        int sample = n == 0 ? 0 : x.Length / n;
        if (TargetShapeFor(sample) is null)
        {
            int known = TargetShape.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
            throw new FoveaException($"{Describe()}: cannot reshape input {x.Shape} ({sample} elements per sample) " +
                $"to [N, {string.Join(", ", TargetShape)}]; expected samples of " +
                $"{(TargetShape.Contains(-1) ? "a multiple of " : "")}{known} elements");
        }
        return Functional.Reshape(x, [n, .. TargetShape]);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["target_shape"] = new JsonArray(TargetShape.Select(d => (JsonNode)d).ToArray());
        return c;
    }

    public static Reshape FromConfig(JsonObject c) => LayerConfig.Common(new Reshape(
        c["target_shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray(), LayerConfig.Name(c)), c);
}
