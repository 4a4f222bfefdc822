using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Concatenates inputs along <see cref="Axis"/> (Keras <c>Concatenate</c>). The default is axis 1, the channel
/// axis of NCHW tensors (Keras's default −1 is the channel axis of its channels-last layout).
/// </summary>
[RegisterLayer]
public sealed class Concatenate(int axis = 1, string? name = null) : MergeLayer(name)
{
    public int Axis { get; } = axis;

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) =>
        inputs.Count == 1 ? inputs[0] : Functional.Concat(inputs, Axis);

    protected override Shape? ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        var first = inputShapes[0];
        if (first.Rank == 0 || Axis < -first.Rank || Axis >= first.Rank)
            return null;
        int axis = first.NormalizeAxis(Axis);
        int total = 0;
        foreach (var s in inputShapes)
        {
            if (s.Rank != first.Rank || Enumerable.Range(0, s.Rank).Any(d => d != axis && s[d] != first[d]))
                return null; // the op reports the mismatch
            total += s[axis];
        }
        return first.With(axis, total);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        return c;
    }

    public static Concatenate FromConfig(JsonObject c) =>
        LayerConfig.Common(new Concatenate(LayerConfig.Read(c, "axis", 1), LayerConfig.Name(c)), c);
}
