using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Average pooling (Keras <c>AveragePooling2D</c>); padded cells are not counted in the average.
/// See <see cref="BasePooling2D"/> for shapes.
/// </summary>
[RegisterLayer]
public sealed class AveragePooling2D(Size2? poolSize = null, Size2? strides = null, Padding padding = default,
    string? name = null) : BasePooling2D(poolSize ?? 2, strides, padding, name)
{
    protected override Tensor Pool(Tensor x) => Functional.AvgPool2D(x, PoolSize, Strides, Padding);

    public static AveragePooling2D FromConfig(JsonObject c)
    {
        var (pool, strides, padding) = ReadCommon(c);
        return LayerConfig.Common(new AveragePooling2D(pool, strides, padding, LayerConfig.Name(c)), c);
    }
}
