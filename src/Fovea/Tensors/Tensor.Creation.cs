namespace Fovea.Tensors;

public partial class Tensor
{
    /// <summary>
    /// New storage for <paramref name="shape"/>: from the pool inside a <see cref="TensorScope"/>, else from the GC.
    /// </summary>
    internal static Tensor Allocate(Shape shape, bool clear)
    {
        int n = shape.Length;
        var scope = TensorScope.Current;
        if (scope is null)
            return new Tensor(shape, clear ? new float[n] : GC.AllocateUninitializedArray<float>(n), 0, pooled: false);
        float[] data = TensorPool.Rent(n);
        if (clear)
            Array.Clear(data);
        var t = new Tensor(shape, data, 0, pooled: true) { Scope = scope };
        scope.Track(t);
        return t;
    }

    /// <summary>
    /// A copy of this tensor whose storage belongs to <paramref name="scope"/> (pooled, returned when it ends), or to
    /// the GC when <paramref name="scope"/> is null, whatever scope is current.
    /// </summary>
    internal Tensor CopyInto(TensorScope? scope)
    {
        Tensor t;
        if (scope is null)
        {
            t = new Tensor(Shape, GC.AllocateUninitializedArray<float>(Length), 0, pooled: false);
        }
        else
        {
            t = new Tensor(Shape, TensorPool.Rent(Length), 0, pooled: true) { Scope = scope };
            scope.Track(t);
        }
        AsReadOnlySpan().CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>A zero-filled tensor whose storage the GC owns even inside a scope (parameters, optimizer state).</summary>
    internal static Tensor AllocateOwned(Shape shape) => new(shape, new float[shape.Length], 0, pooled: false);

    /// <summary>A tensor with uninitialised contents.</summary>
    public static Tensor Empty(Shape shape) => Allocate(shape, clear: false);

    public static Tensor Zeros(Shape shape) => Allocate(shape, clear: true);

    public static Tensor Ones(Shape shape) => Full(shape, 1f);

    public static Tensor Full(Shape shape, float value)
    {
        var t = Allocate(shape, clear: false);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A scalar (rank-0) tensor.</summary>
    public static Tensor Scalar(float value) => Full([], value);

    /// <summary>A copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, Shape shape)
    {
        if (values.Length != shape.Length)
            throw new ArgumentException($"{values.Length} values cannot fill shape {shape} ({shape.Length} elements)");
        var t = Allocate(shape, clear: false);
        values.CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>A 1-D copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(params float[] values) => FromArray(values, [values.Length]);

    /// <summary>Wraps <paramref name="data"/> without copying: writes through the tensor change the array.</summary>
    public static Tensor Wrap(float[] data, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.Length)
            throw new ArgumentException($"an array of {data.Length} floats cannot be wrapped as shape {shape}");
        return new Tensor(shape, data, 0, pooled: false);
    }

    /// <summary>0, 1, 2, ... laid out in <paramref name="shape"/> (handy for hand-checkable tests).</summary>
    public static Tensor Arange(Shape shape)
    {
        var t = Allocate(shape, clear: false);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++)
            s[i] = i;
        return t;
    }

    /// <summary>Samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor RandomNormal(Shape shape, Rng rng, float mean = 0f, float std = 1f)
    {
        var t = Allocate(shape, clear: false);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++)
            s[i] = mean + std * (float)rng.NextNormal();
        return t;
    }

    /// <summary>Samples of U[<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor RandomUniform(Shape shape, Rng rng, float low = 0f, float high = 1f)
    {
        var t = Allocate(shape, clear: false);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++)
            s[i] = low + (high - low) * rng.NextFloat();
        return t;
    }

    /// <summary>A copy of the data, detached from autograd.</summary>
    public Tensor Clone()
    {
        var t = Allocate(Shape, clear: false);
        AsReadOnlySpan().CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>A copy of the elements as a new array.</summary>
    public float[] ToArray() => AsReadOnlySpan().ToArray();

    /// <summary>The value of a one-element tensor (like PyTorch's <c>item()</c>).</summary>
    public float Item()
    {
        if (Length != 1)
            throw new InvalidOperationException($"Item() needs a tensor with one element, this one has shape {Shape}");
        return Data[Offset];
    }

    /// <summary>Element access by full index (slow; for tests and small tensors).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Data[Offset + FlatIndex(index)];
        set
        {
            Data[Offset + FlatIndex(index)] = value;
            MarkChanged();
        }
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"index of rank {index.Length} for a tensor of shape {Shape}");
        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            int dim = Shape[d];
            if ((uint)index[d] >= (uint)dim)
                throw new IndexOutOfRangeException($"index {index[d]} out of range for dimension {d} of shape {Shape}");
            flat = flat * dim + index[d];
        }
        return flat;
    }

    /// <summary>
    /// A tensor with another shape over the same storage (no autograd record;
    /// <see cref="Fovea.Autograd.Functional.Reshape(Tensor, int[])"/> is the differentiable op).
    /// </summary>
    internal Tensor View(Shape shape)
    {
        if (shape.Length != Length)
            throw new ArgumentException($"cannot view shape {Shape} ({Length} elements) as {shape}");
        var t = new Tensor(shape, Data, Offset, pooled: false, viewOf: _viewOf ?? this);
        var scope = Scope;
        if (scope is not null)
        {
            t.Scope = scope;
            scope.Track(t);
        }
        return t;
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/>+<paramref name="count"/>) of the first axis, as a view.</summary>
    internal Tensor SliceRows(int start, int count)
    {
        if (Rank == 0 || start < 0 || count < 0 || start + count > Shape[0])
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count} of shape {Shape}");
        int row = Shape[0] == 0 ? 0 : Length / Shape[0];
        var t = new Tensor(Shape.With(0, count), Data, Offset + start * row, pooled: false, viewOf: _viewOf ?? this);
        var scope = Scope;
        if (scope is not null)
        {
            t.Scope = scope;
            scope.Track(t);
        }
        return t;
    }
}
