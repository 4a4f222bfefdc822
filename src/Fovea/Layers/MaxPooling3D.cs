using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>Max pooling over depth (time), height and width (Keras <c>MaxPooling3D</c>); see
/// <see cref="BasePooling3D"/> for shapes. Default pool size 2×2×2.</summary>
/// <example><code>new MaxPooling3D((1, 2, 2))   // halve height and width, keep every frame</code></example>
[RegisterLayer]
public sealed class MaxPooling3D(Size3? poolSize = null, Size3? strides = null, Padding padding = default,
    string? name = null) : BasePooling3D(poolSize ?? 2, strides, padding, name)
{
    private protected override Tensor Pool(Tensor x, int[] before, int[] after) =>
        Functional.MaxPool(x, PoolSize.ToArray(), Strides.ToArray(), before, after);

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static MaxPooling3D FromConfig(JsonObject c)
    {
        var (pool, strides, padding) = ReadCommon(c);
        return LayerConfig.Common(new MaxPooling3D(pool, strides, padding, LayerConfig.Name(c)), c);
    }
}
