using Fovea.Kernels;

namespace Fovea.Data.Transforms;

/// <summary>
/// What a rotation, shift, zoom or padded crop puts where the original image has no pixels (Keras'
/// <c>fill_mode</c>): <see cref="Reflect"/> (also <c>default(FillMode)</c>), <see cref="Nearest"/>,
/// <see cref="Wrap"/>, or <c>FillMode.Constant(value)</c>.
/// </summary>
/// <example><code>
/// new RandomRotation(15, fill: FillMode.Constant(0));
/// new RandomShift(0.1, 0.1, fill: FillMode.Nearest);
/// </code></example>
public readonly record struct FillMode
{
    private FillMode(FillModeKind kind, float value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>Which rule fills outside pixels.</summary>
    public FillModeKind Kind { get; }

    /// <summary>The fill value of <see cref="FillModeKind.Constant"/> (0 for the other kinds).</summary>
    public float Value { get; }

    /// <summary>Mirror image with the edge repeated: (d c b a | a b c d | d c b a).</summary>
    public static FillMode Reflect => default;

    /// <summary>The nearest edge pixel.</summary>
    public static FillMode Nearest { get; } = new(FillModeKind.Nearest, 0);

    /// <summary>The image repeated periodically.</summary>
    public static FillMode Wrap { get; } = new(FillModeKind.Wrap, 0);

    /// <summary>Every outside pixel is <paramref name="value"/> (in the units of the image, e.g. 0 = black for
    /// images in [0, 1]).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static FillMode Constant(float value = 0)
    {
        if (!float.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "a constant fill must be a finite number");
        return new FillMode(FillModeKind.Constant, value);
    }

    internal BorderMode Border => Kind switch
    {
        FillModeKind.Constant => BorderMode.Constant,
        FillModeKind.Nearest => BorderMode.Nearest,
        FillModeKind.Wrap => BorderMode.Wrap,
        _ => BorderMode.Reflect,
    };

    public override string ToString() => Kind == FillModeKind.Constant ? $"Constant({Value})" : Kind.ToString();
}
