namespace Fovea.Kernels;

/// <summary>
/// An affine resampling of C planes of H×W into C planes of OH×OW, validated once. Pixel centres sit at integer
/// coordinates (x = column, y = row). Output pixel (ox, oy) reads the input at
/// ix = A·ox + B·oy + TX, iy = D·ox + E·oy + TY (the inverse of the transform applied to the content), with
/// bilinear or nearest interpolation; input pixels outside the image are read through <see cref="Border"/>
/// (<see cref="Fill"/> for <see cref="BorderMode.Constant"/>).
/// </summary>
internal readonly record struct ResampleGeometry
{
    public ResampleGeometry(int c, int h, int w, int oh, int ow, double a, double b, double tx, double d, double e,
        double ty, bool bilinear, BorderMode border, float fill)
    {
        if (c <= 0 || h <= 0 || w <= 0 || oh <= 0 || ow <= 0)
            throw new ArgumentException($"resampling sizes must be positive: [{c}, {h}, {w}] to [{c}, {oh}, {ow}]");
        if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(tx) || !double.IsFinite(d)
            || !double.IsFinite(e) || !double.IsFinite(ty))
        {
            throw new ArgumentException($"the affine map must be finite, received [{a}, {b}, {tx}; {d}, {e}, {ty}]");
        }
        (C, H, W, OH, OW) = (c, h, w, oh, ow);
        (A, B, TX, D, E, TY) = (a, b, tx, d, e, ty);
        (Bilinear, Border, Fill) = (bilinear, border, fill);
    }

    public int C { get; }
    public int H { get; }
    public int W { get; }
    public int OH { get; }
    public int OW { get; }
    public double A { get; }
    public double B { get; }
    public double TX { get; }
    public double D { get; }
    public double E { get; }
    public double TY { get; }
    public bool Bilinear { get; }
    public BorderMode Border { get; }
    public float Fill { get; }
}
