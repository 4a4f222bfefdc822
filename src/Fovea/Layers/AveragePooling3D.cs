using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Average pooling over depth (time), height and width (Keras <c>AveragePooling3D</c>; padded cells are not
/// counted); see <see cref="BasePooling3D"/> for shapes. Default pool size 2×2×2.</summary>
/// <example><code>new AveragePooling3D((2, 2, 2))</code></example>
[RegisterLayer]
public sealed class AveragePooling3D(Size3? poolSize = null, Size3? strides = null, Padding padding = default,
    string? name = null) : BasePooling3D(poolSize ?? 2, strides, padding, name)
{
    private protected override Tensor Pool(Tensor x, int[] before, int[] after) =>
        Functional.AvgPool(x, PoolSize.ToArray(), Strides.ToArray(), before, after);

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static AveragePooling3D FromConfig(JsonObject c)
    {
        var (pool, strides, padding) = ReadCommon(c);
        return LayerConfig.Common(new AveragePooling3D(pool, strides, padding, LayerConfig.Name(c)), c);
    }
}
