using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Concatenates inputs along <see cref="Axis"/> (Keras <c>Concatenate</c>). The default is axis 1, the channel
/// axis of NCHW tensors (Keras's default −1 is the channel axis of its channels-last layout).
/// </summary>
public sealed class Concatenate(int axis = 1, string? name = null) : MergeLayer(name)
{
    public int Axis { get; } = axis;

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) =>
        inputs.Count == 1 ? inputs[0] : Functional.Concat(inputs, Axis);

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        return c;
    }

    public static Concatenate FromConfig(JsonObject c) =>
        LayerConfig.Common(new Concatenate(LayerConfig.Read(c, "axis", 1), LayerConfig.Name(c)), c);
}
