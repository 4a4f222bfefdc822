namespace Fovea.Kernels.Reference;

/// <summary>
/// Direct 2-D convolution by its definition, the oracle for <see cref="Conv2DKernels"/>:
/// y[n, oc, oh, ow] = b[oc] + Σ_{c ∈ group(oc), kh, kw} w[oc, c − g·Cg, kh, kw] · x[n, c, oh·SH − padTop + kh·DH, ow·SW − padLeft + kw·DW].
/// Backward passes are the exact adjoints, written as the same loop.
/// </summary>
internal static class ReferenceConv2D
{
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        in ConvGeometry g)
    {
        var xc = x.ToArray();
        var wc = w.ToArray();
        for (int n = 0; n < g.N; n++)
        for (int oc = 0; oc < g.OC; oc++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            double sum = b.IsEmpty ? 0 : b[oc];
            Visit(g, n, oc, oh, ow, (xi, wi) => sum += (double)xc[xi] * wc[wi]);
            y[((n * g.OC + oc) * g.OH + oh) * g.OW + ow] = (float)sum;
        }
    }

    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g)
    {
        var acc = new double[dx.Length];
        var wc = w.ToArray();
        for (int n = 0; n < g.N; n++)
        for (int oc = 0; oc < g.OC; oc++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            double d = dy[((n * g.OC + oc) * g.OH + oh) * g.OW + ow];
            Visit(g, n, oc, oh, ow, (xi, wi) => acc[xi] += d * wc[wi]);
        }
        for (int i = 0; i < dx.Length; i++)
            dx[i] = (float)acc[i];
    }

    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g)
    {
        var acc = new double[dw.Length];
        var xc = x.ToArray();
        for (int n = 0; n < g.N; n++)
        for (int oc = 0; oc < g.OC; oc++)
        for (int oh = 0; oh < g.OH; oh++)
        for (int ow = 0; ow < g.OW; ow++)
        {
            double d = dy[((n * g.OC + oc) * g.OH + oh) * g.OW + ow];
            Visit(g, n, oc, oh, ow, (xi, wi) => acc[wi] += d * xc[xi]);
        }
        for (int i = 0; i < dw.Length; i++)
            dw[i] = (float)acc[i];
    }

    /// <summary>Calls <paramref name="f"/>(input index, weight index) for every tap of output (n, oc, oh, ow).</summary>
    private static void Visit(in ConvGeometry g, int n, int oc, int oh, int ow, Action<int, int> f)
    {
        int grp = oc / g.OCg;
        for (int cg = 0; cg < g.Cg; cg++)
        {
            int c = grp * g.Cg + cg;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if (ih < 0 || ih >= g.H)
                    continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if (iw < 0 || iw >= g.W)
                        continue;
                    f(((n * g.C + c) * g.H + ih) * g.W + iw, ((oc * g.Cg + cg) * g.KH + kh) * g.KW + kw);
                }
            }
        }
    }
}
