using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Average pooling (Keras <c>AveragePooling2D</c>); padded cells are not counted in the average, unless
/// <c>countIncludePad</c> (PyTorch's default <c>count_include_pad=True</c>: every window divides by KH·KW, padding
/// counting as zeros, as torchvision's Inception-v3 pools). See <see cref="BasePooling2D"/> for shapes.
/// </summary>
[RegisterLayer]
public sealed class AveragePooling2D(Size2? poolSize = null, Size2? strides = null, Padding padding = default,
    string? name = null, bool countIncludePad = false) : BasePooling2D(poolSize ?? 2, strides, padding, name)
{
    /// <summary>Whether padded cells count in the divisor (PyTorch <c>count_include_pad</c>).</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    protected override Tensor Pool(Tensor x)
    {
        if (!CountIncludePad)
            return Functional.AvgPool2D(x, PoolSize, Strides, Padding);
        var (top, left, bottom, right) = Padding.Resolve(x.Shape[2], x.Shape[3], PoolSize, Strides, 1);
        return Functional.AvgPool(x, [PoolSize.Height, PoolSize.Width], [Strides.Height, Strides.Width], [top, left],
            [bottom, right], countIncludePad: true);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        if (CountIncludePad)
            c["count_include_pad"] = true;
        return c;
    }

    public static AveragePooling2D FromConfig(JsonObject c)
    {
        var (pool, strides, padding) = ReadCommon(c);
        return LayerConfig.Common(new AveragePooling2D(pool, strides, padding, LayerConfig.Name(c),
            LayerConfig.Read(c, "count_include_pad", false)), c);
    }
}
