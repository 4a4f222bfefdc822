using System.Collections;
using System.Runtime.CompilerServices;

namespace Fovea.Tensors;

/// <summary>
/// The dimensions of a tensor, outermost first (NCHW for images). Immutable; compares by value.
/// Written as a collection expression: <c>Shape s = [128, 3, 32, 32];</c>.
/// </summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dims;

    public Shape(params int[] dims)
    {
        foreach (int d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"shape dimensions must be >= 0, received [{string.Join(", ", dims)}]");
        }
        _dims = (int[])dims.Clone();
    }

    public static Shape Create(ReadOnlySpan<int> dims) => new(dims.ToArray());

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of elements (product of the dimensions; 1 for a scalar).</summary>
    public int Length
    {
        get
        {
            long n = 1;
            if (_dims is not null)
            {
                foreach (int d in _dims)
                    n *= d;
            }
            if (n > Array.MaxLength)
                throw new ArgumentException($"shape {this} has {n} elements, more than a .NET array can hold");
            return (int)n;
        }
    }

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis)];

    public int Count => Rank;

    internal int[] Dims => _dims ?? [];

    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of range for shape {this}");
        return a;
    }

    /// <summary>This shape without its first dimension (the per-sample shape of a batch).</summary>
    public Shape WithoutBatch() => new(Dims[1..]);

    /// <summary>This shape with <paramref name="batch"/> prepended.</summary>
    public Shape WithBatch(int batch) => new([batch, .. Dims]);

    /// <summary>This shape with dimension <paramref name="axis"/> replaced.</summary>
    public Shape With(int axis, int value)
    {
        int[] d = (int[])Dims.Clone();
        d[NormalizeAxis(axis)] = value;
        return new Shape(d);
    }

    public int[] ToArray() => (int[])Dims.Clone();

    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims)
            h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    public static implicit operator Shape(int[] dims) => new(dims);

    public override string ToString() => "[" + string.Join(", ", Dims) + "]";

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
