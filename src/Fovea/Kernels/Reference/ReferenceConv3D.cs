namespace Fovea.Kernels.Reference;

/// <summary>The 3-D convolution computed straight from its definition (oracle for <see
/// cref="Conv3DKernels"/>).</summary>
internal static class ReferenceConv3D
{
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        in Conv3DGeometry g)
    {
        for (int n = 0; n < g.N; n++)
        for (int oc = 0; oc < g.OC; oc++)
        {
            int grp = oc / g.OCg;
            for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                double s = b.IsEmpty ? 0 : b[oc];
                for (int c = 0; c < g.Cg; c++)
                for (int kd = 0; kd < g.KD; kd++)
                for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int id = od * g.SD - g.BD + kd * g.DiD, ih = oh * g.SH - g.BH + kh * g.DiH;
                    int iw = ow * g.SW - g.BW + kw * g.DiW;
                    if ((uint)id >= (uint)g.D || (uint)ih >= (uint)g.H || (uint)iw >= (uint)g.W)
                        continue;
                    int ci = grp * g.Cg + c;
                    s += (double)x[(((n * g.C + ci) * g.D + id) * g.H + ih) * g.W + iw] *
                        w[(((oc * g.Cg + c) * g.KD + kd) * g.KH + kh) * g.KW + kw];
                }
                y[(((n * g.OC + oc) * g.OD + od) * g.OH + oh) * g.OW + ow] = (float)s;
            }
        }
    }
}
