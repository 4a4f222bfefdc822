using System.Buffers;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Applies several transforms one after another (torchvision's <c>Compose</c>), each drawing from the same
/// generator in turn. Intermediate images live in two buffers rented from
/// <see cref="ArrayPool{T}.Shared"/> for the duration of the call.
/// </summary>
/// <example><code>
/// var augment = new Compose(new RandomRotation(10), new RandomShift(0.1, 0.1), new RandomFlip());
/// var loader = new DataLoader(train, batchSize: 128, transform: augment, prefetch: 2);
/// </code></example>
public sealed class Compose : ImageTransform
{
    private readonly ImageTransform[] _transforms;

    /// <summary>The transforms, applied in the order given.</summary>
    /// <exception cref="ArgumentException">The list is empty or holds null.</exception>
    public Compose(params ImageTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Length == 0)
            throw new ArgumentException("Compose needs at least one transform", nameof(transforms));
        if (Array.IndexOf(transforms, null) is int i and >= 0)
            throw new ArgumentException($"transform {i} of the Compose is null", nameof(transforms));
        _transforms = [.. transforms];
    }

    /// <summary>The transforms in order.</summary>
    public IReadOnlyList<ImageTransform> Transforms => _transforms;

    public override Shape OutputShape(Shape input)
    {
        foreach (var t in _transforms)
            input = t.OutputShape(input);
        return input;
    }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        if (_transforms.Length == 1)
        {
            _transforms[0].Apply(source, destination, shape, rng);
            return;
        }
        int largest = 0;
        var s = shape;
        for (int i = 0; i < _transforms.Length - 1; i++)
        {
            s = _transforms[i].CachedOutputShape(s);
            largest = Math.Max(largest, s.Length);
        }
        float[] a = ArrayPool<float>.Shared.Rent(largest), b = ArrayPool<float>.Shared.Rent(largest);
        try
        {
            ReadOnlySpan<float> current = source;
            var currentShape = shape;
            for (int i = 0; i < _transforms.Length; i++)
            {
                var next = _transforms[i].CachedOutputShape(currentShape);
                Span<float> target = i == _transforms.Length - 1
                    ? destination
                    : (i % 2 == 0 ? a : b).AsSpan(0, next.Length);
                _transforms[i].Apply(current, target, currentShape, rng);
                current = target;
                currentShape = next;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
        }
    }

    public override string ToString() => $"Compose({string.Join(", ", _transforms.Select(t => t.ToString()))})";
}
