using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Max pooling (Keras <c>MaxPooling2D</c>); see <see cref="BasePooling2D"/> for shapes.</summary>
[RegisterLayer]
public sealed class MaxPooling2D(Size2? poolSize = null, Size2? strides = null, Padding padding = default,
    string? name = null) : BasePooling2D(poolSize ?? 2, strides, padding, name)
{
    protected override Tensor Pool(Tensor x) => Functional.MaxPool2D(x, PoolSize, Strides, Padding);

    public static MaxPooling2D FromConfig(JsonObject c)
    {
        var (pool, strides, padding) = ReadCommon(c);
        return LayerConfig.Common(new MaxPooling2D(pool, strides, padding, LayerConfig.Name(c)), c);
    }
}
