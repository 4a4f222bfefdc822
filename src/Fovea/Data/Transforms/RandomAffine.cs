using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Random rotation, shift and zoom in one resampling pass (Keras' <c>ImageDataGenerator</c> geometry,
/// torchvision's <c>RandomAffine</c>). For each image it draws an angle θ, a shift (tx, ty) in pixels and a scale s,
/// each uniformly from its range, and effectively computes
/// <c>out(p) = in(centre + R(−θ)·(p − centre − t) / s)</c>: the content turns θ degrees counter-clockwise about the
/// image centre, grows by s, then moves tx pixels right and ty pixels down. Pixels that come from outside the
/// image follow <see cref="Fill"/>; values between pixel centres follow <see cref="Interpolation"/>.
/// </summary>
/// <remarks>
/// <see cref="RandomRotation"/>, <see cref="RandomShift"/> and <see cref="RandomZoom"/> are this transform with
/// one range each; use this type to combine them without resampling (and blurring) three times. Draw order per
/// image: angle, horizontal shift, vertical shift, scale (four draws, always).
/// </remarks>
public sealed class RandomAffine : ImageTransform
{
    /// <summary>A random affine transform; every range defaults to the identity.</summary>
    /// <param name="degrees">Rotation range in degrees, counter-clockwise positive, e.g. (−15, 15).</param>
    /// <param name="widthShift">Horizontal shift range as a fraction of the width, right positive.</param>
    /// <param name="heightShift">Vertical shift range as a fraction of the height, down positive.</param>
    /// <param name="scale">Zoom factor range; above 1 enlarges the content (zooms in). Default (1, 1).</param>
    /// <param name="fill">Outside pixels; default <see cref="FillMode.Reflect"/>.</param>
    /// <param name="interpolation">Bilinear (default) or nearest.</param>
    /// <exception cref="ArgumentOutOfRangeException">A range has min &gt; max or is not finite, or a scale is not
    /// positive.</exception>
    public RandomAffine((double Min, double Max) degrees = default, (double Min, double Max) widthShift = default,
        (double Min, double Max) heightShift = default, (double Min, double Max)? scale = null,
        FillMode fill = default, Interpolation interpolation = Interpolation.Bilinear)
    {
        Degrees = CheckRange(degrees, nameof(degrees));
        WidthShift = CheckRange(widthShift, nameof(widthShift));
        HeightShift = CheckRange(heightShift, nameof(heightShift));
        Scale = CheckRange(scale ?? (1, 1), nameof(scale));
        if (!(Scale.Min > 0))
            throw new ArgumentOutOfRangeException(nameof(scale), $"zoom factors must be positive, received {Scale}");
        Fill = fill;
        Interpolation = interpolation;
    }

    /// <summary>Rotation range, degrees counter-clockwise.</summary>
    public (double Min, double Max) Degrees { get; }

    /// <summary>Horizontal shift range, fraction of the width (right positive).</summary>
    public (double Min, double Max) WidthShift { get; }

    /// <summary>Vertical shift range, fraction of the height (down positive).</summary>
    public (double Min, double Max) HeightShift { get; }

    /// <summary>Zoom factor range (above 1 zooms in).</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>How pixels from outside the image are filled.</summary>
    public FillMode Fill { get; }

    /// <summary>Bilinear or nearest sampling.</summary>
    public Interpolation Interpolation { get; }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        int c = shape[0], h = shape[1], w = shape[2];
        double degrees = Uniform(rng, Degrees.Min, Degrees.Max);
        double tx = Uniform(rng, WidthShift.Min, WidthShift.Max) * w;
        double ty = Uniform(rng, HeightShift.Min, HeightShift.Max) * h;
        double s = Uniform(rng, Scale.Min, Scale.Max);
        var g = Geometry(c, h, w, degrees, tx, ty, s, Fill, Interpolation);
        AffineResampler.Resample(source, destination, g);
    }

    /// <summary>The inverse map of the transform (see the class summary) as a resampling geometry.</summary>
    internal static ResampleGeometry Geometry(int c, int h, int w, double degrees, double tx, double ty, double scale,
        FillMode fill, Interpolation interpolation)
    {
        var (sin, cos) = Math.SinCos(degrees * Math.PI / 180);
        sin = Math.Abs(sin) < 1e-12 ? 0 : sin;
        cos = Math.Abs(cos) < 1e-12 ? 0 : cos;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        double a = cos / scale, b = -sin / scale, d = sin / scale, e = cos / scale;
        double x0 = cx + tx, y0 = cy + ty;
        return new ResampleGeometry(c, h, w, h, w, a, b, cx - a * x0 - b * y0, d, e, cy - d * x0 - e * y0,
            interpolation == Interpolation.Bilinear, fill.Border, fill.Value);
    }

    public override string ToString() =>
        $"RandomAffine(degrees {Degrees}, widthShift {WidthShift}, heightShift {HeightShift}, scale {Scale}, "
        + $"fill {Fill}, {Interpolation})";
}
