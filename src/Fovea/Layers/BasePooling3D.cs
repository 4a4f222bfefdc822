using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Shared configuration of <see cref="MaxPooling3D"/> and <see cref="AveragePooling3D"/>: pool size, strides
/// (default: the pool size, as in Keras) and padding (Valid or Same). [N, C, D, H, W] → [N, C, OD, OH, OW], per axis
/// floor((in − pool)/stride) + 1 (Valid) or ceil(in/stride) (Same; padded cells never win a max and are not counted in
/// an average). Runs on <see cref="Autograd.Functional.MaxPool"/> / <see cref="Autograd.Functional.AvgPool"/>.
/// </summary>
public abstract class BasePooling3D : Layer
{
    private protected BasePooling3D(Size3 poolSize, Size3? strides, Padding padding, string? name)
        : base(name)
    {
        PoolSize = poolSize;
        Strides = strides ?? poolSize;
        if (!PoolSize.IsPositive || !Strides.IsPositive)
            throw new ArgumentException($"{GetType().Name}: poolSize {PoolSize} and strides {Strides} must be " +
                "positive");
        if (padding.Kind is not (PaddingKind.Valid or PaddingKind.Same))
            throw new ArgumentException($"{GetType().Name}: padding must be Valid or Same, received {padding}");
        Padding = padding;
    }

    /// <summary>Window (depth, height, width).</summary>
    public Size3 PoolSize { get; }

    /// <summary>Steps (depth, height, width); the pool size by default.</summary>
    public Size3 Strides { get; }

    /// <summary>Valid (default) or Same.</summary>
    public Padding Padding { get; }

    /// <summary>Pools with the resolved per-axis paddings.</summary>
    private protected abstract Tensor Pool(Tensor x, int[] before, int[] after);

    /// <summary>The padding amounts (before, after) per axis for an input of these spatial sizes.</summary>
    internal (int[] Before, int[] After) Pads(int[] spatial) =>
        Padding.ResolveAxes(spatial, PoolSize.ToArray(), Strides.ToArray(), [1, 1, 1]);

    /// <summary>The output's spatial sizes, or null when the window does not fit.</summary>
    internal int[]? OutputSpatial(int[] spatial)
    {
        var (before, after) = Pads(spatial);
        int[] k = PoolSize.ToArray(), s = Strides.ToArray();
        var o = new int[3];
        for (int a = 0; a < 3; a++)
        {
            if (spatial[a] + before[a] + after[a] < k[a])
                return null;
            o[a] = (spatial[a] + before[a] + after[a] - k[a]) / s[a] + 1;
        }
        return o;
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank != 5)
            throw ShapeError("[N, C, D, H, W]", inputShape);
        var o = OutputSpatial(inputShape.Dims[2..]) ?? throw ShapeError(
            $"[N, C, D, H, W] with D, H, W at least the pool size {PoolSize}", inputShape);
        return new Shape([inputShape[0], inputShape[1], .. o]);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 5)
            throw ShapeError("[N, C, D, H, W]", x.Shape);
        try
        {
            var (before, after) = Pads(x.Shape.Dims[2..]);
            return Pool(x, before, after);
        }
        catch (ArgumentException e)
        {
            throw new FoveaException($"{Describe()}: {e.Message} (input {x.Shape})", e);
        }
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["pool_size"] = Triple(PoolSize);
        c["strides"] = Triple(Strides);
        c["padding"] = Padding.ToConfig();
        return c;
    }

    private static JsonArray Triple(Size3 s) => new(s.Depth, s.Height, s.Width);

    private protected static (Size3 Pool, Size3 Strides, Padding Padding) ReadCommon(JsonObject c)
    {
        var pool = ReadTriple(c["pool_size"], 2);
        return (pool, ReadTriple(c["strides"], pool), Padding.FromConfig(c["padding"]));
    }

    private static Size3 ReadTriple(JsonNode? node, Size3 fallback) => node switch
    {
        null => fallback,
        JsonArray a => new(a[0]!.GetValue<int>(), a[1]!.GetValue<int>(), a[2]!.GetValue<int>()),
        _ => node.GetValue<int>(),
    };
}
