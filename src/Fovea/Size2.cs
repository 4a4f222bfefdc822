namespace Fovea;

/// <summary>
/// A height×width pair (kernel sizes, strides, dilations, pool sizes). Converts from one int (square) or a tuple:
/// <c>new Conv2D(32, 3)</c>, <c>new Conv2D(32, (1, 7), strides: 2)</c>.
/// </summary>
public readonly record struct Size2(int Height, int Width)
{
    public static implicit operator Size2(int size) => new(size, size);

    public static implicit operator Size2((int Height, int Width) size) => new(size.Height, size.Width);

    /// <summary>True when both sides are positive.</summary>
    public bool IsPositive => Height > 0 && Width > 0;

    public override string ToString() => Height == Width ? $"{Height}" : $"({Height}, {Width})";
}
