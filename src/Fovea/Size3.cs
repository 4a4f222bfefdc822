namespace Fovea;

/// <summary>
/// A depth×height×width triple (3-D kernel sizes, strides, dilations, pool sizes). Converts from one int (a cube) or a
/// tuple: <c>new Conv3D(32, 3)</c>, <c>new MaxPooling3D((1, 2, 2))</c>.
/// </summary>
public readonly record struct Size3(int Depth, int Height, int Width)
{
    public static implicit operator Size3(int size) => new(size, size, size);

    public static implicit operator Size3((int Depth, int Height, int Width) size) =>
        new(size.Depth, size.Height, size.Width);

    /// <summary>True when all three sides are positive.</summary>
    public bool IsPositive => Depth > 0 && Height > 0 && Width > 0;

    /// <summary>The sides as an array [depth, height, width].</summary>
    public int[] ToArray() => [Depth, Height, Width];

    public override string ToString() =>
        Depth == Height && Height == Width ? $"{Depth}" : $"({Depth}, {Height}, {Width})";
}
