using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Shared configuration of MaxPooling2D and AveragePooling2D: pool size, strides (default: the pool size, as in
/// Keras) and padding. [N, C, H, W] → [N, C, OH, OW] with OH = floor((H − pool)/stride) + 1 (Valid) or
/// ceil(H/stride) (Same).
/// </summary>
public abstract class BasePooling2D : Layer
{
    protected BasePooling2D(Size2 poolSize, Size2? strides, Padding padding, string? name)
        : base(name)
    {
        PoolSize = poolSize;
        Strides = strides ?? poolSize;
        Padding = padding;
        if (!PoolSize.IsPositive || !Strides.IsPositive)
            throw new ArgumentException($"{GetType().Name}: poolSize {PoolSize} and strides {Strides} must be positive");
    }

    public Size2 PoolSize { get; }
    public Size2 Strides { get; }
    public Padding Padding { get; }

    protected abstract Tensor Pool(Tensor x);

    /// <summary>[N, C, OH, OW] for the pool size, strides and padding (Same resolved for this input).</summary>
    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 4)
            throw ShapeError("[N, C, H, W]", inputShape);
        int h = inputShape[2], w = inputShape[3];
        var (top, left, bottom, right) = Padding.Resolve(h, w, PoolSize, Strides, 1);
        int oh = (h + top + bottom - PoolSize.Height) / Strides.Height + 1;
        int ow = (w + left + right - PoolSize.Width) / Strides.Width + 1;
        if (h + top + bottom < PoolSize.Height || w + left + right < PoolSize.Width)
            throw ShapeError($"[N, C, H, W] with H, W at least the pool size {PoolSize}", inputShape);
        return new Shape(inputShape[0], inputShape[1], oh, ow);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4)
            throw ShapeError("[N, C, H, W]", x.Shape);
        try
        {
            return Pool(x);
        }
        catch (ArgumentException e)
        {
            throw new FoveaException($"{Describe()}: {e.Message} (input {x.Shape})", e);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["pool_size"] = LayerConfig.Pair(PoolSize);
        c["strides"] = LayerConfig.Pair(Strides);
        c["padding"] = Padding.ToConfig();
        return c;
    }

    protected static (Size2 Pool, Size2 Strides, Padding Padding) ReadCommon(JsonObject c)
    {
        var pool = LayerConfig.ReadPair(c["pool_size"], 2);
        return (pool, LayerConfig.ReadPair(c["strides"], pool), Padding.FromConfig(c["padding"]));
    }
}
